#!/bin/sh
# SPDX-License-Identifier: MIT
# STYLE.md rule 7 (after curl's checksrc): unsafe functions and VLAs are
# banned from the library and the tool. Prints each use and fails.
set -eu
cd "${1:-.}"
banned='\b(sprintf|vsprintf|strcpy|strcat|strtok|sscanf|atoi|atol|gets|alloca)[[:space:]]*\('
hits=$(grep -rnE "$banned" src formats include decoders 2>/dev/null | grep -vE ':[0-9]+:[[:space:]]*(/\*|\*)' || true)
if [ -n "$hits" ]; then
    echo "banned functions (STYLE.md rule 7):"
    echo "$hits"
    echo "0 passed, 1 failed"
    exit 1
fi
echo "no banned functions in src formats include decoders"
echo "1 passed, 0 failed"
