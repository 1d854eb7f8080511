# copy_traced_files ROOT DEST: copies each path read from stdin that lies under ROOT/dist or ROOT/node_modules
# to the same relative path under DEST, with what Node needs to resolve it elsewhere: for a package file, the
# .wasm files beside it and every package.json from its folder up to node_modules/ ("main", "exports" and
# "type" decide resolution). Used by the bundles for machines without Node or network (scripts/gpu,
# scripts/cpu-bench) on the module lists that scripts/gpu/trace-modules.mjs records.
copy_traced_files() {
  local root=$1 dest=$2 f rel d w
  while read -r f; do
    case "$f" in "$root"/dist/* | "$root"/node_modules/*) ;; *) continue ;; esac
    [ -f "$f" ] || continue
    rel=${f#"$root"/}
    mkdir -p "$dest/$(dirname "$rel")"
    cp "$f" "$dest/$rel"
    case "$rel" in node_modules/*)
      d=$(dirname "$f")
      for w in "$d"/*.wasm; do [ -f "$w" ] && cp "$w" "$dest/${w#"$root"/}"; done
      while [ "$d" != "$root/node_modules" ] && [ "$d" != "$root" ]; do
        [ -f "$d/package.json" ] && { mkdir -p "$dest/${d#"$root"/}"; cp "$d/package.json" "$dest/${d#"$root"/}/"; }
        d=$(dirname "$d")
      done
      ;;
    esac
  done
}
