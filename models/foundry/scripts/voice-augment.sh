#!/usr/bin/env bash
# Augmented copies of an EmoDB-style WAV folder, for the voice generalisation study (issue 15 §4):
# one sub-folder per variant, same file names, 16-bit mono at the source rate. Uses Debian's sox in
# repeatable mode (-R: seeded noise and dither), so every run writes the same bytes.
# Usage: models/foundry/scripts/voice-augment.sh ../shared/datasets/emodb-2s/wav models/foundry/target/voice-aug
# Only ever used for TRAINING folds: the study never scores an augmented utterance.
set -euo pipefail
src="${1:?source folder of .wav files}"
dst="${2:?destination folder}"
if ! command -v sox >/dev/null; then
  echo "voice-augment: installing Debian's sox" >&2
  apt-get install -y -q sox >/dev/null || { echo "voice-augment: sox is not installed and apt-get could not install it" >&2; exit 2; }
fi
declare -A effects=(
  [speed090]="speed 0.9"
  [speed110]="speed 1.1"
  [pitch-200]="pitch -200"
  [pitch+200]="pitch 200"
)
shopt -s nullglob
files=("$src"/*.wav)
[ ${#files[@]} -gt 0 ] || { echo "voice-augment: no .wav files in $src" >&2; exit 2; }
for v in "${!effects[@]}"; do
  mkdir -p "$dst/$v"
  for f in "${files[@]}"; do
    rate=$(soxi -r "$f")
    # shellcheck disable=SC2086
    sox -R -V1 "$f" -b 16 "$dst/$v/$(basename "$f")" ${effects[$v]} rate "$rate"
  done
done
# white noise (RMS ~ -45 dBFS), about 23 dB below a typical emodb-2s file (RMS ~ -22 dBFS)
mkdir -p "$dst/noise"
for f in "${files[@]}"; do
  sox -R -V1 -m -v 1 "$f" -v 1 "|sox -R $f -p synth whitenoise vol 0.01" -b 16 "$dst/noise/$(basename "$f")"
done
echo "voice-augment: ${#files[@]} files x $(( ${#effects[@]} + 1 )) variants in $dst"
