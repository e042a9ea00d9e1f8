extension OutputSchema {
    /// The JSON Schema (draft 2020-12) of `layers --format json`: a file's report, or the error object of a file that could not be read, less the shared
    /// definitions (``OutputSchema/shared``) it refers to.
    static let layersOwn = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://onnxscope.invalid/schema/layers.json",
  "title": "onnxscope layers --format json (one line per file)",
  "oneOf": [
    {
      "$ref": "#/$defs/report"
    },
    {
      "$ref": "#/$defs/fileError"
    }
  ],
  "$defs": {
    "report": {
      "type": "object",
      "properties": {
        "schemaVersion": {
          "const": 1,
          "description": "schemaVersion: bumped only when a key is renamed or removed"
        },
        "file": {
          "type": "string"
        },
        "layers": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/entry"
          }
        },
        "totals": {
          "type": "object",
          "properties": {
            "byKind": {
              "type": "object",
              "additionalProperties": {
                "type": "integer",
                "minimum": 0
              }
            },
            "blocks": {
              "type": "object",
              "additionalProperties": {
                "type": "integer",
                "minimum": 0
              }
            },
            "trainable": {
              "type": "integer",
              "minimum": 0
            },
            "nonTrainable": {
              "type": "integer",
              "minimum": 0
            },
            "unattributed": {
              "type": "integer",
              "minimum": 0,
              "description": "floating-point and quantized weight elements no layer claimed and no rule marks non-trainable"
            },
            "layerCount": {
              "type": "integer",
              "minimum": 0
            }
          },
          "required": [
            "blocks",
            "byKind",
            "layerCount",
            "nonTrainable",
            "trainable",
            "unattributed"
          ],
          "additionalProperties": false
        },
        "coverage": {
          "type": "object",
          "properties": {
            "attributedElements": {
              "type": "integer",
              "minimum": 0
            },
            "floatElements": {
              "type": "integer",
              "minimum": 0
            },
            "parameterElements": {
              "type": "integer",
              "minimum": 0,
              "description": "floating-point weights plus the integer weights quantized ops read as weights"
            },
            "ratio": {
              "type": "number",
              "minimum": 0,
              "maximum": 1
            }
          },
          "required": [
            "attributedElements",
            "floatElements",
            "parameterElements",
            "ratio"
          ],
          "additionalProperties": false
        },
        "unattributed": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/unattributed"
          }
        },
        "quantizationOverhead": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/unattributed"
          }
        },
        "readOnlyForShape": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/unattributed"
          }
        },
        "findings": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/finding"
          }
        },
        "stacks": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/stack"
          }
        },
        "mergedBranches": {
          "type": "array",
          "description": "If nodes whose two branches hold the same layers (optimum's merged decoder): each listed once, in the kept branch",
          "items": {
            "$ref": "#/$defs/mergedBranches"
          }
        }
      },
      "required": [
        "coverage",
        "file",
        "findings",
        "layers",
        "mergedBranches",
        "quantizationOverhead",
        "readOnlyForShape",
        "schemaVersion",
        "stacks",
        "totals",
        "unattributed"
      ],
      "additionalProperties": false
    },
    "entry": {
      "type": "object",
      "properties": {
        "name": {
          "type": "string"
        },
        "kind": {
          "enum": \#(OutputSchema.layerKinds)
        },
        "nodes": {
          "type": "array",
          "items": {
            "type": "string"
          },
          "deprecated": true,
          "description": "deprecated: node names (read nodeNames; nodes is a count elsewhere)"
        },
        "nodeNames": {
          "type": "array",
          "items": {
            "type": "string"
          }
        },
        "weights": {
          "type": "array",
          "items": {
            "type": "string"
          }
        },
        "hyper": {
          "type": "object",
          "propertyNames": {
            "enum": \#(OutputSchema.jsonList(HyperKey.allCases.map(\.rawValue)))
          },
          "additionalProperties": {
            "anyOf": [
              {
                "type": "integer"
              },
              {
                "type": "boolean"
              },
              {
                "type": "array",
                "items": {
                  "type": "integer"
                }
              },
              {
                "type": "string"
              }
            ]
          }
        },
        "stored": {
          "type": "integer",
          "minimum": 0
        },
        "nonTrainable": {
          "type": "integer",
          "minimum": 0
        },
        "predicted": {
          "$ref": "#/$defs/predicted"
        },
        "status": {
          "enum": [
            "match",
            "explained",
            "mismatch"
          ]
        },
        "explanation": {
          "type": "string",
          "description": "why stored differs from textbook; empty when it does not"
        },
        "children": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/entry"
          }
        },
        "module": {
          "type": ["string", "null"],
          "description": "the framework module path, where the exporter recorded it"
        },
        "moduleClass": {
          "type": ["string", "null"],
          "description": "the framework module's class, where the exporter recorded it"
        },
        "dataType": {
          "type": ["string", "null"],
          "description": "the element type of its main weight as stored"
        },
        "quantization": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "type": "object",
              "properties": {
                "scheme": {
                  "enum": ["dynamic", "qdq", "qoperator", "blockwise"]
                },
                "bits": {
                  "type": "integer",
                  "minimum": 1
                },
                "blockSize": {
                  "type": ["integer", "null"]
                },
                "perChannel": {
                  "type": "boolean"
                },
                "axis": {
                  "type": ["integer", "null"]
                },
                "scaleElements": {
                  "type": "integer",
                  "minimum": 0
                },
                "zeroPointElements": {
                  "type": "integer",
                  "minimum": 0
                },
                "bytes": {
                  "type": "integer",
                  "minimum": 0
                }
              },
              "required": ["axis", "bits", "blockSize", "bytes", "perChannel", "scaleElements", "scheme", "zeroPointElements"],
              "additionalProperties": false
            }
          ]
        }
      },
      "required": [
        "children",
        "dataType",
        "module",
        "moduleClass",
        "quantization",
        "explanation",
        "hyper",
        "kind",
        "name",
        "nodeNames",
        "nodes",
        "nonTrainable",
        "predicted",
        "status",
        "stored",
        "weights"
      ],
      "additionalProperties": false
    },
    "predicted": {
      "type": "object",
      "properties": {
        "textbook": {
          "type": "integer",
          "minimum": 0
        },
        "convention": {
          "type": "integer",
          "minimum": 0
        }
      },
      "required": [
        "convention",
        "textbook"
      ],
      "additionalProperties": false
    },
    "mergedBranches": {
      "type": "object",
      "properties": {
        "node": {
          "type": "string"
        },
        "kept": {
          "type": "string",
          "description": "graph path of the branch whose layers are listed"
        },
        "merged": {
          "type": "string",
          "description": "graph path of the branch whose layers were found again in kept"
        },
        "layers": {
          "type": "integer",
          "minimum": 0
        },
        "sharedWeights": {
          "type": "integer",
          "minimum": 0
        }
      },
      "required": [
        "kept",
        "layers",
        "merged",
        "node",
        "sharedWeights"
      ],
      "additionalProperties": false
    },
    "stack": {
      "type": "object",
      "properties": {
        "kind": {
          "enum": ["TransformerEncoderBlock", "TransformerDecoderBlock"]
        },
        "count": {
          "type": "integer",
          "minimum": 1
        },
        "stored": {
          "type": "integer",
          "minimum": 0
        },
        "predicted": {
          "$ref": "#/$defs/predicted"
        },
        "explanation": {
          "type": "string"
        },
        "layers": {
          "type": "array",
          "items": {
            "type": "string"
          }
        }
      },
      "required": [
        "count",
        "explanation",
        "kind",
        "layers",
        "predicted",
        "stored"
      ],
      "additionalProperties": false
    },
    "unattributed": {
      "type": "object",
      "properties": {
        "name": {
          "type": "string"
        },
        "type": {
          "type": "string"
        },
        "shape": {
          "type": "array",
          "items": {
            "type": "integer"
          }
        },
        "elements": {
          "type": "integer",
          "minimum": 0
        },
        "consumers": {
          "type": "array",
          "items": {
            "type": "string"
          }
        }
      },
      "required": [
        "consumers",
        "elements",
        "name",
        "shape",
        "type"
      ],
      "additionalProperties": false
    }
  }
}
"""#
}
