extension OutputSchema {
    /// Definitions several schemas share (a finding, a graph input or output, the error
    /// object of an unreadable file), written once and copied into each schema's `$defs`
    /// by ``OutputSchema/text``, so that every printed schema stands alone.
    static let shared: [String: String] = [
        "finding": #"""
{
  "type": "object",
  "properties": {
    "severity": {
      "enum": [
        "error",
        "warning",
        "info"
      ]
    },
    "code": {
      "type": "string"
    },
    "message": {
      "type": "string"
    },
    "location": {
      "type": "string"
    }
  },
  "required": [
    "code",
    "location",
    "message",
    "severity"
  ],
  "additionalProperties": false
}
"""#,
        "ioValue": #"""
{
  "type": "object",
  "properties": {
    "name": {
      "type": "string"
    },
    "type": {
      "type": "string",
      "description": "element type name (FLOAT) or a description (sequence(FLOAT))"
    },
    "shape": {
      "anyOf": [
        {
          "type": "array",
          "items": {
            "anyOf": [
              {
                "type": "integer"
              },
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ],
            "description": "a fixed size, a symbolic name, or null when unknown"
          }
        },
        {
          "type": "null"
        }
      ],
      "description": "dimensions; null when no shape is declared"
    },
    "kvCache": {
      "anyOf": [
        {
          "type": "object",
          "properties": {
            "role": {
              "enum": [
                "past",
                "present"
              ]
            },
            "part": {
              "enum": [
                "key",
                "value"
              ]
            },
            "layer": {
              "type": "integer",
              "minimum": 0
            },
            "attention": {
              "enum": [
                "self",
                "cross"
              ]
            }
          },
          "required": [
            "attention",
            "layer",
            "part",
            "role"
          ],
          "additionalProperties": false
        },
        {
          "type": "null"
        }
      ],
      "description": "the key/value cache entry the value carries, from its name (past_key_values.N.key, present.N.value; .decoder./.encoder. for a seq2seq decoder's self- and cross-attention cache); null when none"
    }
  },
  "required": [
    "kvCache",
    "name",
    "shape",
    "type"
  ],
  "additionalProperties": false
}
"""#,
        "fileError": #"""
{
  "type": "object",
  "properties": {
    "error": {
      "type": "string",
      "description": "why the file could not be read (the stderr line without 'onnxscope: PATH: ')"
    },
    "file": {
      "type": "string"
    }
  },
  "required": [
    "error",
    "file"
  ],
  "additionalProperties": false
}
"""#,
    ]
}
