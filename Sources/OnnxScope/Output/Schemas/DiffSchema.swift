extension OutputSchema {
    /// The JSON Schema (draft 2020-12) of `diff --format json`, full or `--summary`, less the shared
    /// definitions (``OutputSchema/shared``) it refers to.
    static let diffOwn = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://onnxscope.invalid/schema/diff.json",
  "title": "onnxscope diff --format json (with --summary: the summary form)",
  "oneOf": [
    {
      "$ref": "#/$defs/full"
    },
    {
      "$ref": "#/$defs/summaryOnly"
    }
  ],
  "$defs": {
    "full": {
      "type": "object",
      "properties": {
        "schemaVersion": {
          "const": 1,
          "description": "schemaVersion: bumped only when a key is renamed or removed"
        },
        "a": {
          "type": "string"
        },
        "b": {
          "type": "string"
        },
        "identical": {
          "type": "boolean",
          "description": "true exactly when the verdict is identical"
        },
        "verdict": {
          "enum": ["identical", "restored", "changed"],
          "description": "exit code 0 for identical (and restored with --restored-ok), else 1"
        },
        "parameters": {
          "$ref": "#/$defs/totals"
        },
        "bytes": {
          "$ref": "#/$defs/totals"
        },
        "tensors": {
          "type": "object",
          "properties": {
            "added": {
              "type": "array",
              "items": {
                "type": "string"
              }
            },
            "removed": {
              "type": "array",
              "items": {
                "type": "string"
              }
            },
            "renamed": {
              "type": "array",
              "items": {
                "type": "object",
                "properties": {
                  "from": {
                    "type": "string"
                  },
                  "to": {
                    "type": "string"
                  }
                },
                "required": [
                  "from",
                  "to"
                ],
                "additionalProperties": false
              }
            },
            "reshaped": {
              "type": "array",
              "items": {
                "type": "object",
                "properties": {
                  "name": {
                    "type": "string"
                  },
                  "before": {
                    "type": "array",
                    "items": {
                      "type": "integer"
                    }
                  },
                  "after": {
                    "type": "array",
                    "items": {
                      "type": "integer"
                    }
                  }
                },
                "required": [
                  "after",
                  "before",
                  "name"
                ],
                "additionalProperties": false
              }
            },
            "retyped": {
              "type": "array",
              "items": {
                "type": "object",
                "properties": {
                  "name": {
                    "type": "string"
                  },
                  "before": {
                    "type": "string"
                  },
                  "after": {
                    "type": "string"
                  },
                  "maxAbsDiff": {
                    "anyOf": [
                      {
                        "type": "number"
                      },
                      {
                        "type": "null"
                      }
                    ]
                  }
                },
                "required": [
                  "after",
                  "before",
                  "maxAbsDiff",
                  "name"
                ],
                "additionalProperties": false
              }
            },
            "valuesChanged": {
              "type": "array",
              "items": {
                "type": "object",
                "properties": {
                  "name": {
                    "type": "string"
                  },
                  "changedElements": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "from": {
                    "anyOf": [
                      {
                        "type": "array",
                        "items": {
                          "type": "string"
                        }
                      },
                      {
                        "type": "null"
                      }
                    ]
                  },
                  "how": {
                    "anyOf": [
                      {
                        "enum": ["retyped", "quantized", "packed", "split", "transposed", "folded", "fused"]
                      },
                      {
                        "type": "null"
                      }
                    ]
                  },
                  "bound": {
                    "anyOf": [
                      {
                        "type": "number"
                      },
                      {
                        "type": "null"
                      }
                    ]
                  },
                  "maxAbsDiff": {
                    "anyOf": [
                      {
                        "type": "number"
                      },
                      {
                        "type": "null"
                      }
                    ]
                  },
                  "relativeL2": {
                    "anyOf": [
                      {
                        "type": "number"
                      },
                      {
                        "type": "null"
                      }
                    ]
                  }
                },
                "required": [
                  "bound",
                  "changedElements",
                  "from",
                  "how",
                  "maxAbsDiff",
                  "name",
                  "relativeL2"
                ],
                "additionalProperties": false
              }
            },
            "storageMoved": {
              "type": "array",
              "items": {
                "type": "object",
                "properties": {
                  "name": {
                    "type": "string"
                  },
                  "before": {
                    "enum": [
                      "initializer",
                      "constant",
                      "sparseInitializer",
                      "external",
                      "function"
                    ]
                  },
                  "after": {
                    "enum": [
                      "initializer",
                      "constant",
                      "sparseInitializer",
                      "external",
                      "function"
                    ]
                  }
                },
                "required": [
                  "after",
                  "before",
                  "name"
                ],
                "additionalProperties": false
              }
            },
            "unchanged": {
              "type": "integer",
              "minimum": 0
            },
            "restored": {
              "type": "array",
              "items": {
                "type": "object",
                "properties": {
                  "from": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "to": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "how": {
                    "enum": ["retyped", "quantized", "packed", "split", "transposed", "folded", "fused"]
                  },
                  "elements": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "maxAbsError": {
                    "type": "number",
                    "minimum": 0
                  },
                  "bound": {
                    "type": "number",
                    "minimum": 0
                  },
                  "sqnrDb": {
                    "anyOf": [
                      {
                        "type": "number"
                      },
                      {
                        "type": "null"
                      }
                    ]
                  },
                  "bits": {
                    "anyOf": [
                      {
                        "type": "integer"
                      },
                      {
                        "type": "null"
                      }
                    ]
                  },
                  "granularity": {
                    "anyOf": [
                      {
                        "type": "string"
                      },
                      {
                        "type": "null"
                      }
                    ]
                  },
                  "before": {
                    "type": "string"
                  },
                  "after": {
                    "type": "string"
                  }
                },
                "required": [
                  "after",
                  "before",
                  "bits",
                  "bound",
                  "elements",
                  "from",
                  "granularity",
                  "how",
                  "maxAbsError",
                  "sqnrDb",
                  "to"
                ],
                "additionalProperties": false
              }
            },
            "nonParameters": {
              "type": "object",
              "properties": {
                "removed": {
                  "type": "integer",
                  "minimum": 0
                },
                "removedElements": {
                  "type": "integer",
                  "minimum": 0
                },
                "added": {
                  "type": "integer",
                  "minimum": 0
                },
                "addedElements": {
                  "type": "integer",
                  "minimum": 0
                }
              },
              "required": [
                "added",
                "addedElements",
                "removed",
                "removedElements"
              ],
              "additionalProperties": false
            }
          },
          "required": [
            "added",
            "nonParameters",
            "restored",
            "removed",
            "renamed",
            "reshaped",
            "retyped",
            "storageMoved",
            "unchanged",
            "valuesChanged"
          ],
          "additionalProperties": false
        },
        "ops": {
          "type": "object",
          "additionalProperties": {
            "type": "integer"
          }
        },
        "inputs": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/interfaceChange"
          }
        },
        "outputs": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/interfaceChange"
          }
        },
        "opsets": {
          "type": "object",
          "additionalProperties": {
            "type": "object",
            "properties": {
              "before": {
                "anyOf": [
                  {
                    "type": "integer"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "after": {
                "anyOf": [
                  {
                    "type": "integer"
                  },
                  {
                    "type": "null"
                  }
                ]
              }
            },
            "required": [
              "after",
              "before"
            ],
            "additionalProperties": false
          }
        },
        "layers": {
          "type": "array",
          "items": {
            "type": "object",
            "properties": {
              "name": {
                "type": "string"
              },
              "kind": {
                "enum": \#(OutputSchema.layerKinds)
              },
              "change": {
                "enum": [
                  "added",
                  "removed",
                  "resized"
                ]
              },
              "parametersBefore": {
                "type": "integer",
                "minimum": 0
              },
              "parametersAfter": {
                "type": "integer",
                "minimum": 0
              },
              "delta": {
                "type": "integer"
              },
              "detail": {
                "type": "string"
              }
            },
            "required": [
              "change",
              "delta",
              "detail",
              "kind",
              "name",
              "parametersAfter",
              "parametersBefore"
            ],
            "additionalProperties": false
          }
        },
        "model": {
          "type": "array",
          "items": {
            "type": "object",
            "properties": {
              "fact": {
                "type": "string"
              },
              "before": {
                "anyOf": [
                  {
                    "type": "string"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "after": {
                "anyOf": [
                  {
                    "type": "string"
                  },
                  {
                    "type": "null"
                  }
                ]
              }
            },
            "required": [
              "after",
              "before",
              "fact"
            ],
            "additionalProperties": false
          }
        },
        "summary": {
          "$ref": "#/$defs/summary"
        },
        "notes": {
          "type": "array",
          "items": {
            "type": "string"
          }
        }
      },
      "required": [
        "a",
        "b",
        "bytes",
        "identical",
        "verdict",
        "inputs",
        "layers",
        "model",
        "notes",
        "ops",
        "opsets",
        "outputs",
        "parameters",
        "schemaVersion",
        "summary",
        "tensors"
      ],
      "additionalProperties": false
    },
    "summaryOnly": {
      "type": "object",
      "properties": {
        "schemaVersion": {
          "const": 1,
          "description": "schemaVersion: bumped only when a key is renamed or removed"
        },
        "a": {
          "type": "string"
        },
        "b": {
          "type": "string"
        },
        "identical": {
          "type": "boolean"
        },
        "verdict": {
          "enum": ["identical", "restored", "changed"]
        },
        "parameters": {
          "$ref": "#/$defs/totals"
        },
        "bytes": {
          "$ref": "#/$defs/totals"
        },
        "summary": {
          "$ref": "#/$defs/summary"
        },
        "notes": {
          "type": "array",
          "items": {
            "type": "string"
          }
        }
      },
      "required": [
        "a",
        "b",
        "bytes",
        "identical",
        "notes",
        "parameters",
        "schemaVersion",
        "summary",
        "verdict"
      ],
      "additionalProperties": false
    },
    "totals": {
      "type": "object",
      "properties": {
        "before": {
          "type": "integer"
        },
        "after": {
          "type": "integer"
        },
        "delta": {
          "type": "integer"
        }
      },
      "required": [
        "after",
        "before",
        "delta"
      ],
      "additionalProperties": false
    },
    "summary": {
      "type": "object",
      "properties": {
        "added": {
          "type": "integer",
          "minimum": 0
        },
        "removed": {
          "type": "integer",
          "minimum": 0
        },
        "renamed": {
          "type": "integer",
          "minimum": 0
        },
        "reshaped": {
          "type": "integer",
          "minimum": 0
        },
        "retyped": {
          "type": "integer",
          "minimum": 0
        },
        "valuesChanged": {
          "type": "integer",
          "minimum": 0
        },
        "storageMoved": {
          "type": "integer",
          "minimum": 0
        },
        "unchanged": {
          "type": "integer",
          "minimum": 0
        },
        "restored": {
          "type": "integer",
          "minimum": 0
        },
        "inputs": {
          "type": "integer",
          "minimum": 0
        },
        "outputs": {
          "type": "integer",
          "minimum": 0
        },
        "ops": {
          "type": "integer",
          "minimum": 0
        },
        "opsets": {
          "type": "integer",
          "minimum": 0
        },
        "layers": {
          "type": "integer",
          "minimum": 0
        },
        "modelFacts": {
          "type": "integer",
          "minimum": 0
        },
        "tensorsBefore": {
          "type": "integer",
          "minimum": 0
        },
        "tensorsAfter": {
          "type": "integer",
          "minimum": 0
        }
      },
      "required": [
        "added",
        "inputs",
        "layers",
        "modelFacts",
        "ops",
        "opsets",
        "outputs",
        "removed",
        "renamed",
        "reshaped",
        "restored",
        "retyped",
        "storageMoved",
        "tensorsAfter",
        "tensorsBefore",
        "unchanged",
        "valuesChanged"
      ],
      "additionalProperties": false
    },
    "interfaceChange": {
      "type": "object",
      "properties": {
        "name": {
          "type": "string"
        },
        "change": {
          "enum": [
            "added",
            "removed",
            "changed"
          ]
        },
        "before": {
          "anyOf": [
            {
              "$ref": "#/$defs/ioValue"
            },
            {
              "type": "null"
            }
          ]
        },
        "after": {
          "anyOf": [
            {
              "$ref": "#/$defs/ioValue"
            },
            {
              "type": "null"
            }
          ]
        }
      },
      "required": [
        "after",
        "before",
        "change",
        "name"
      ],
      "additionalProperties": false
    }
  }
}
"""#
}
