extension OutputSchema {
    /// The JSON Schema (draft 2020-12) of the summary line that `inspect` and `layers` end with under `--summary --format json`, less the shared
    /// definitions (``OutputSchema/shared``) it refers to.
    static let summaryOwn = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://onnxscope.invalid/schema/summary.json",
  "title": "the last line of inspect/layers --summary --format json",
  "type": "object",
  "properties": {
    "schemaVersion": {
      "const": 1,
      "description": "schemaVersion: bumped only when a key is renamed or removed"
    },
    "summary": {
      "type": "object",
      "properties": {
        "command": {
          "enum": [
            "inspect",
            "layers"
          ]
        },
        "files": {
          "type": "integer",
          "minimum": 0
        },
        "succeeded": {
          "type": "integer",
          "minimum": 0
        },
        "failed": {
          "type": "integer",
          "minimum": 0
        },
        "failedFiles": {
          "type": "array",
          "items": {
            "type": "string"
          }
        },
        "nodes": {
          "type": "integer",
          "minimum": 0,
          "description": "nodes over the files read (inspect; 0 for layers)"
        },
        "parameters": {
          "type": "integer",
          "minimum": 0,
          "deprecated": true,
          "description": "deprecated, two meanings: inspect's weights.elements, layers' totals.trainable; read weightElements or trainableParameters"
        },
        "weightElements": {
          "anyOf": [
            {
              "type": "integer",
              "minimum": 0
            },
            {
              "type": "null"
            }
          ],
          "description": "stored weight elements (inspect); null for layers"
        },
        "trainableParameters": {
          "anyOf": [
            {
              "type": "integer",
              "minimum": 0
            },
            {
              "type": "null"
            }
          ],
          "description": "trainable elements (layers); null for inspect"
        },
        "weightBytes": {
          "type": "integer",
          "minimum": 0,
          "description": "inspect; 0 for layers"
        },
        "layers": {
          "type": "integer",
          "minimum": 0,
          "description": "layers; 0 for inspect"
        },
        "findings": {
          "type": "integer",
          "minimum": 0
        }
      },
      "required": [
        "command",
        "failed",
        "failedFiles",
        "files",
        "findings",
        "layers",
        "nodes",
        "parameters",
        "succeeded",
        "trainableParameters",
        "weightBytes",
        "weightElements"
      ],
      "additionalProperties": false
    }
  },
  "required": [
    "schemaVersion",
    "summary"
  ],
  "additionalProperties": false
}
"""#
}
