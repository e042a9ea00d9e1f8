extension OutputSchema {
    /// The JSON Schema (draft 2020-12) of `inspect --format json`: a file's report, or the error object of a file that could not be read, less the shared
    /// definitions (``OutputSchema/shared``) it refers to.
    static let inspectOwn = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://onnxscope.invalid/schema/inspect.json",
  "title": "onnxscope inspect --format json (one line per file)",
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
        "fileBytes": {
          "type": "integer",
          "minimum": 0
        },
        "metadataBytes": {
          "type": "integer",
          "minimum": 0
        },
        "irVersion": {
          "anyOf": [
            {
              "type": "integer"
            },
            {
              "type": "null"
            }
          ],
          "description": "ir_version; null when the file does not state it"
        },
        "opsets": {
          "type": "object",
          "additionalProperties": {
            "type": "integer"
          }
        },
        "producer": {
          "type": "object",
          "properties": {
            "name": {
              "type": "string"
            },
            "version": {
              "type": "string"
            }
          },
          "required": [
            "name",
            "version"
          ],
          "additionalProperties": false
        },
        "modelDomain": {
          "type": "string"
        },
        "modelVersion": {
          "anyOf": [
            {
              "type": "integer"
            },
            {
              "type": "null"
            }
          ],
          "description": "model_version; null when absent"
        },
        "metadata": {
          "type": "object",
          "additionalProperties": {
            "type": "string"
          }
        },
        "inputs": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/ioValue"
          }
        },
        "outputs": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/ioValue"
          }
        },
        "ops": {
          "type": "object",
          "additionalProperties": {
            "type": "integer",
            "minimum": 0
          }
        },
        "nodes": {
          "type": "integer",
          "minimum": 0,
          "description": "number of nodes over all graphs and functions"
        },
        "graphs": {
          "type": "integer",
          "minimum": 0
        },
        "functions": {
          "type": "integer",
          "minimum": 0
        },
        "weights": {
          "type": "object",
          "properties": {
            "elements": {
              "type": "integer",
              "minimum": 0
            },
            "floatElements": {
              "type": "integer",
              "minimum": 0
            },
            "bytes": {
              "type": "integer",
              "minimum": 0
            },
            "tensors": {
              "type": "integer",
              "minimum": 0
            },
            "byStorage": {
              "type": "object",
              "properties": {
                "initializer": {
                  "type": "integer",
                  "minimum": 0
                },
                "constant": {
                  "type": "integer",
                  "minimum": 0
                },
                "sparseInitializer": {
                  "type": "integer",
                  "minimum": 0
                }
              },
              "required": [
                "constant",
                "initializer",
                "sparseInitializer"
              ],
              "additionalProperties": false
            },
            "inSubgraphs": {
              "type": "integer",
              "minimum": 0
            },
            "inFunctions": {
              "type": "integer",
              "minimum": 0
            },
            "external": {
              "type": "object",
              "properties": {
                "tensors": {
                  "type": "integer",
                  "minimum": 0
                },
                "bytes": {
                  "type": "integer",
                  "minimum": 0
                },
                "files": {
                  "type": "array",
                  "items": {
                    "type": "string"
                  }
                }
              },
              "required": [
                "bytes",
                "files",
                "tensors"
              ],
              "additionalProperties": false
            },
            "byDataType": {
              "type": "object",
              "additionalProperties": {
                "type": "integer",
                "minimum": 0
              }
            },
            "sparse": {
              "type": "object",
              "properties": {
                "tensors": {
                  "type": "integer",
                  "minimum": 0
                },
                "nonZero": {
                  "type": "integer",
                  "minimum": 0
                }
              },
              "required": [
                "nonZero",
                "tensors"
              ],
              "additionalProperties": false
            },
            "largest": {
              "type": "array",
              "items": {
                "$ref": "#/$defs/weightEntry"
              }
            },
            "shared": {
              "type": "array",
              "items": {
                "type": "object",
                "properties": {
                  "name": {
                    "type": "string"
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
                  "name"
                ],
                "additionalProperties": false
              }
            }
          },
          "required": [
            "byDataType",
            "byStorage",
            "bytes",
            "elements",
            "external",
            "floatElements",
            "inFunctions",
            "inSubgraphs",
            "largest",
            "shared",
            "sparse",
            "tensors"
          ],
          "additionalProperties": false
        },
        "findings": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/finding"
          }
        }
      },
      "required": [
        "file",
        "fileBytes",
        "findings",
        "functions",
        "graphs",
        "inputs",
        "irVersion",
        "metadata",
        "metadataBytes",
        "modelDomain",
        "modelVersion",
        "nodes",
        "ops",
        "opsets",
        "outputs",
        "producer",
        "schemaVersion",
        "weights"
      ],
      "additionalProperties": false
    },
    "weightEntry": {
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
        "bytes": {
          "type": "integer",
          "minimum": 0
        },
        "storage": {
          "enum": [
            "initializer",
            "constant",
            "sparseInitializer"
          ]
        },
        "graph": {
          "type": "string"
        },
        "external": {
          "type": "boolean"
        }
      },
      "required": [
        "bytes",
        "elements",
        "external",
        "graph",
        "name",
        "shape",
        "storage",
        "type"
      ],
      "additionalProperties": false
    }
  }
}
"""#
}
