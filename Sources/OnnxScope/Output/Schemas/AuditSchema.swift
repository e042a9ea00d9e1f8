extension OutputSchema {
    /// The JSON Schema (draft 2020-12) of `audit --format json`, less the shared
    /// definitions (``OutputSchema/shared``) it refers to.
    static let auditOwn = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://onnxscope.invalid/schema/audit.json",
  "title": "onnxscope audit --format json",
  "type": "object",
  "properties": {
    "schemaVersion": {
      "const": 1,
      "description": "schemaVersion: bumped only when a key is renamed or removed"
    },
    "file": {
      "type": "string"
    },
    "passed": {
      "type": "boolean",
      "description": "true when every check passed (exit code 0)"
    },
    "checks": {
      "type": "array",
      "items": {
        "type": "object",
        "properties": {
          "name": {
            "type": "string",
            "description": "parameters, layerCount.KIND, kindParameters.KIND, allowedDataTypes, maxBytes, allowedOps, opset, noMismatch, noErrorFindings"
          },
          "passed": {
            "type": "boolean"
          },
          "expected": {
            "type": "string"
          },
          "actual": {
            "type": "string"
          }
        },
        "required": [
          "actual",
          "expected",
          "name",
          "passed"
        ],
        "additionalProperties": false
      }
    },
    "findings": {
      "type": "array",
      "items": {
        "$ref": "#/$defs/finding"
      }
    }
  },
  "required": [
    "checks",
    "file",
    "findings",
    "passed",
    "schemaVersion"
  ],
  "additionalProperties": false,
  "$defs": {}
}
"""#
}
