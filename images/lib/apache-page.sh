# shellcheck shell=sh
# GENERATED from lib/apache-page.ts by lib/image-facts.ts; do not edit (tests/lib/image-facts.test.ts
# fails when it is stale). The page an Apache backend serves; the lab and bench read its
# `Served by <b>NAME</b>` marker back with backendOf.
apache_page() { # name ip
  name=$1 ip=$2
  cat <<HTML
<!DOCTYPE html>
<html>
<head><title>${name}</title></head>
<body>
<h1>Backend ${name}</h1>
<p>Served by <b>${name}</b> at ${ip}</p>
</body>
</html>
HTML
}
