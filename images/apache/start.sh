#!/bin/sh
# Apache backend: write a page naming this backend, then run apache2 in the foreground.
#   BACKEND_NAME  name shown on the page (default: the container's hostname)
#   BACKEND_IP    IP shown on the page (default: first address from `hostname -I`)
#   --render-only / RENDER_ONLY=1: print the page and exit without starting apache.
set -eu

render_only=${RENDER_ONLY:-0}
[ "${1:-}" = "--render-only" ] && render_only=1

name=${BACKEND_NAME:-$(hostname)}
ip=${BACKEND_IP:-$(hostname -I 2>/dev/null | awk '{ print $1 }')}
ip=${ip:-unknown}
# Letters, digits and . _ - only: the name ends up in HTML and in logs.
case $name in
  *[!A-Za-z0-9._-]*|"") echo "BACKEND_NAME: invalid entry \"$name\" (allowed: letters, digits, . _ -)" >&2; exit 2 ;;
esac

# The page comes from lib/apache-page.ts through a generated file (images/lib/apache-page.sh).
. "$(dirname "$0")/../lib/apache-page.sh"
page() { apache_page "$name" "$ip"; }

if [ "$render_only" = 1 ]; then page; exit 0; fi

page > /var/www/html/index.html
echo "apache: serving backend $name ($ip)"

# Debian's apache2 reads its paths from envvars; the run/lock dirs are normally made by the init script.
set +u; . /etc/apache2/envvars; set -u
mkdir -p "$APACHE_RUN_DIR" "$APACHE_LOCK_DIR" "$APACHE_LOG_DIR"
echo "ServerName $name" > /etc/apache2/conf-available/servername.conf
a2enconf -q servername >/dev/null
apache2 -t
exec apache2 -DFOREGROUND
