from quiz.entry import main

main()
