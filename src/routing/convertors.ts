/** Turns the text a path parameter matched into a value, and a value back into path text. */
export interface Convertor {
  /** The regular expression (source) a parameter of this type matches. */
  readonly regex: string
  /** The value handed to the endpoint in `pathParams`. */
  convert(text: string): unknown
  /** The path text for a value, for reverse routing; throws TypeError on values the route could not match. */
  format(value: unknown): string
}

function invalid(type: string, value: unknown): TypeError {
  return new TypeError(`Invalid value ${JSON.stringify(String(value))} for a {${type}} path parameter`)
}

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}'

/** Starlette's path convertors, by the name used in `{name:type}`. */
export const CONVERTORS: Readonly<Record<string, Convertor>> = {
  str: {
    regex: '[^/]+',
    convert: (text) => text,
    format(value) {
      const text = String(value)
      if (text === '' || text.includes('/')) throw invalid('str', value)
      return text
    },
  },
  path: {
    regex: '.*',
    convert: (text) => text,
    format: (value) => String(value),
  },
  int: {
    regex: '[0-9]+',
    // A number, like the other JS values we hand out; digits past 2^53 lose precision.
    convert: (text) => Number(text),
    format(value) {
      const text = typeof value === 'number' && Number.isInteger(value) ? BigInt(value).toString() : String(value)
      if (!/^[0-9]+$/.test(text)) throw invalid('int', value)
      return BigInt(text).toString()
    },
  },
  float: {
    regex: '[0-9]+(?:\\.[0-9]+)?',
    convert: (text) => Number(text),
    format(value) {
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
      if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) throw invalid('float', value)
      if (Number.isInteger(number)) return BigInt(number).toString()
      // The shortest text that reads back as the same number; tiny numbers avoid the exponent form.
      const text = String(number)
      return text.includes('e') ? number.toFixed(20).replace(/\.?0+$/, '') : text
    },
  },
  uuid: {
    regex: UUID,
    // Lower-cased, as Python's str(UUID) is.
    convert: (text) => text.toLowerCase(),
    format(value) {
      const text = String(value)
      if (!new RegExp(`^${UUID}$`).test(text)) throw invalid('uuid', value)
      return text.toLowerCase()
    },
  },
}
