"""rabbit import: why a file cannot be imported (quiz.transfer.ImportFileError)."""

MESSAGES = {
    "import_directory": {"ja": "{path} はディレクトリです。{export} で書き出したファイルを指定してください。", "en": "{path} is a directory; give the file that {export} wrote."},
    "import_unreadable": {"ja": "{path} を読めません ({why})。", "en": "cannot read {path} ({why})."},
    "import_empty": {"ja": "{path} は空です。{export} で書き出したファイルを指定してください。", "en": "{path} is empty; give the file that {export} wrote."},
    "import_binary": {"ja": "{path} はテキストファイルではありません (UTF-8 として読めません{where})。rabbit export が書き出す JSON か CSV を指定してください。", "en": "{path} is not a text file (it cannot be read as UTF-8{where}); give the JSON or CSV that rabbit export writes."},
    "import_bad_json": {"ja": "{path} は JSON として読めません ({line} 行 {col} 列: {why})。", "en": "{path} is not valid JSON (line {line}, column {col}: {why})."},
    "import_not_rabbit_json": {"ja": "{path} は JSON ですが rabbit の書き出しではありません (\"format\": \"rabbit-attempts\" と attempts のリストが必要です)。", "en": "{path} is JSON but not a rabbit export (expected \"format\": \"rabbit-attempts\" and a list of attempts)."},
    "import_newer": {"ja": "{path} は新しい rabbit の書き出しです (形式のバージョン {got}、このrabbit が読めるのは {known} まで)。rabbit を更新してください。", "en": "{path} was written by a newer rabbit (format version {got}; this one reads up to {known}): upgrade rabbit."},
    "import_not_rabbit_csv": {"ja": "{path} は rabbit の CSV 書き出しではありません: 列 {missing} がありません。", "en": "{path} is not a rabbit CSV export: missing column(s) {missing}."},
    "import_bad_csv": {"ja": "{path} は CSV として読めません ({why})。", "en": "{path} is not valid CSV ({why})."},
    "import_row_object": {"ja": "{path} の {n} 件目: 1 件は {{...}} のオブジェクトです。", "en": "{path}: row {n}: expected an object"},
    "import_row_missing": {"ja": "{path} の {n} 件目: {field} がないか空です。", "en": "{path}: row {n}: field {field} is missing or empty"},
    "import_row_kind": {"ja": "{path} の {n} 件目: kind は question か exercise です ({got})。", "en": "{path}: row {n}: field kind must be question or exercise, got {got}"},
    "import_row_correct": {"ja": "{path} の {n} 件目: correct は 0 か 1 です ({got})。", "en": "{path}: row {n}: field correct must be 0 or 1, got {got}"},
    "import_row_time": {"ja": "{path} の {n} 件目: answered_at が ISO 8601 の日時ではありません ({got})。", "en": "{path}: row {n}: field answered_at is not an ISO 8601 time: {got}"},
    "import_row_duration": {"ja": "{path} の {n} 件目: duration_ms は整数です ({got})。", "en": "{path}: row {n}: field duration_ms must be an integer, got {got}"},
    "import_row_text": {"ja": "{path} の {n} 件目: {field} は文字列です ({got})。", "en": "{path}: row {n}: field {field} must be text, got {got}"},
}
