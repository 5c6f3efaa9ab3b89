#!/usr/bin/env bash
# Back up the database named by DATABASE_URL into DIR, keeping 14 days. Safe while the bot runs:
# pg_dump takes one consistent snapshot; sqlite3 .backup uses SQLite's online backup API.
set -euo pipefail
dir="${1:?usage: backup.sh DIR}"
url="${DATABASE_URL:-sqlite+aiosqlite:///data/buurtbot.db}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dir"
case "$url" in
    postgresql*)
        # pg_dump wants a libpq URL: drop SQLAlchemy's "+asyncpg" driver suffix.
        pg_dump --format=custom --file="$dir/buurtbot-$stamp.dump" "${url/+asyncpg/}"
        ;;
    sqlite*)
        path="${url#*:///}"
        sqlite3 "$path" ".backup '$dir/buurtbot-$stamp.db'"
        ;;
    *)
        echo "backup.sh: unknown DATABASE_URL scheme" >&2
        exit 2
        ;;
esac
find "$dir" -name 'buurtbot-*' -mtime +14 -delete
