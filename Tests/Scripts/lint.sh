#!/usr/bin/env bash
# make lint: the checks that hold the house's lines.
#  1. swift-format's rules (.swift-format: NeverForceUnwrap, NeverUseForceTry,
#     NeverUseImplicitlyUnwrappedOptionals, ValidateDocumentationComments,
#     FileScopedDeclarationPrivacy, AllPublicDeclarationsHaveDocumentation) on Sources/.
#     Layout findings of swift-format's pretty printer (indentation, line breaks) are not
#     enforced: the code base has not been reformatted in one pass yet.
#  2. No folder cycles in Sources/OnnxScope (Tests/Scripts/folder_graph.py).
#  3. C only in Decoding/: no other file imports a C module.
#  4. Printing only in Output/ and the CLI: no print( in the library elsewhere.
set -uo pipefail
cd "$(dirname "$0")/../.."
status=0

layout='\[(Indentation|AddLines|RemoveLine|LineLength|TrailingComma|Spacing|TrailingWhitespace|LineBreak)\]'
rules=$(swift format lint -r Sources/OnnxScope Sources/onnxscope 2>&1 | grep -E 'warning|error' | grep -Ev "$layout")
if [ -n "$rules" ]; then echo "$rules"; echo "lint: swift-format rules failed"; status=1; fi

python3 Tests/Scripts/folder_graph.py Sources/OnnxScope > /tmp/onnxscope-folders.txt || {
  cat /tmp/onnxscope-folders.txt; echo "lint: folder cycles"; status=1; }

c=$(grep -rlE '^\s*(@_implementationOnly |private |internal )?import (COnnx|CProtobufC|CXXHash|CSystemCalls)' Sources/OnnxScope | grep -v '^Sources/OnnxScope/Decoding/')
if [ -n "$c" ]; then echo "$c"; echo "lint: C modules imported outside Decoding/"; status=1; fi

p=$(grep -rnE '(^|[^.A-Za-z])print\(' Sources/OnnxScope --include='*.swift' | grep -v '^Sources/OnnxScope/Output/' | grep -v '///')
if [ -n "$p" ]; then echo "$p"; echo "lint: print outside Output/"; status=1; fi

[ $status -eq 0 ] && echo "lint: swift-format rules, folder graph (no cycles), C only in Decoding/, printing only in Output/: all pass"
exit $status
