#!/bin/sh
# Runs the keyring test inside a D-Bus session with an unlocked GNOME Keyring.
set -e
export XDG_DATA_HOME="$(mktemp -d)" XDG_RUNTIME_DIR="$(mktemp -d)"
chmod 700 "$XDG_RUNTIME_DIR"
eval "$(printf 'rapport-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
exec "$@"
