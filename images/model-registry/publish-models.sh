#!/usr/bin/env bash
# Runs in a build stage of the look-alike Ollama image: `ollama create` makes each model of
# models/*.Modelfile, then the manifests and blobs are laid out as server.mjs serves them.
# Usage: publish-models.sh SOURCE_DIR OUT_DIR
# A Modelfile's comments may say `# tag: TAG` (default latest) and `# convert: DIR` (safetensors
# converted first into the model its FROM names).
set -euo pipefail
src=${1:?source dir}
out=${2:?output dir}
export OLLAMA_MODELS=/tmp/ollama-models OLLAMA_HOST=127.0.0.1:11434

# A request to the local server over bash's /dev/tcp, as the image has no curl; HTTP/1.0, so the
# answer is not chunked. Prints the response, headers included.
request() { # METHOD PATH BODY_FILE
  exec 3<>/dev/tcp/127.0.0.1/11434
  printf '%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: %s\r\n\r\n' "$1" "$2" "$(stat -c %s "$3")" >&3
  cat "$3" >&3
  cat <&3
  exec 3<&-
}

# `ollama create` with FROM <dir> uploads a nested file such as 1_Pooling/config.json under its base
# name, where it overwrites config.json (Ollama 0.24.0): the files map is sent here instead.
convert() { # DIR MODEL
  local files="" file digest
  while IFS= read -r file; do
    digest="sha256:$(sha256sum "$1/$file" | cut -d' ' -f1)"
    request POST "/api/blobs/$digest" "$1/$file" | head -n1 | grep -q ' 20[01] ' || { echo "upload of $file failed" >&2; exit 1; }
    files+="${files:+,}\"$file\":\"$digest\""
  done < <(cd "$1" && find . -type f -printf '%P\n' | sort)
  printf '{"model":"%s","files":{%s}}' "$2" "$files" >/tmp/create.json
  request POST /api/create /tmp/create.json | grep -q '"status":"success"' || { cat /tmp/ollama-serve.log >&2; exit 1; }
}

ollama serve >/tmp/ollama-serve.log 2>&1 &
for _ in $(seq 100); do ollama list >/dev/null 2>&1 && break; sleep 0.1; done
ollama list >/dev/null || { cat /tmp/ollama-serve.log >&2; exit 1; }

license=$(cat "$src/artifacts/LICENSE")
cd "$src/models"
for modelfile in *.Modelfile; do
  name=${modelfile%.Modelfile}
  tag=$(sed -n 's/^# tag: //p' "$modelfile")
  converted=$(sed -n 's/^# convert: //p' "$modelfile")
  started=$SECONDS
  [ -z "$converted" ] || convert "$converted" "$(sed -n 's/^FROM //p' "$modelfile")"
  # Beside the original: FROM paths are relative to the Modelfile.
  { cat "$modelfile"; printf 'LICENSE """%s"""\n' "$license"; } >".$modelfile"
  ollama create "$name:${tag:-latest}" -f ".$modelfile" >/tmp/create.log 2>&1 || { cat /tmp/create.log /tmp/ollama-serve.log >&2; exit 1; }
  [ -z "$converted" ] || ollama rm "$(sed -n 's/^FROM //p' "$modelfile")" >/dev/null
  echo "publish-models: $name:${tag:-latest} created in $((SECONDS - started)) s"
done

# As the Ollama library serves them: only the blobs a manifest names (not the uploaded safetensors),
# and no "from" on a layer (Ollama's local record of where it came from, a path of this stage).
mkdir -p "$out/blobs"
for manifest in "$OLLAMA_MODELS"/manifests/registry.ollama.ai/library/*/*; do
  relative=${manifest#"$OLLAMA_MODELS"/manifests/registry.ollama.ai/}
  mkdir -p "$out/manifests/$(dirname "$relative")"
  sed -E 's/,"from":"[^"]*"//g' "$manifest" >"$out/manifests/$relative"
  for digest in $(grep -o 'sha256:[0-9a-f]*' "$manifest"); do cp "$OLLAMA_MODELS/blobs/${digest/:/-}" "$out/blobs/"; done
done
kill %1
