import type { HTTPScope } from '../types.js'
import { CONVERTORS, type Convertor } from './convertors.js'

/** A route path compiled: the regex that matches it, the `{name}` template, and each parameter's convertor. */
export interface CompiledPath {
  regex: RegExp
  format: string
  convertors: Record<string, Convertor>
}

const PARAM = /\{([a-zA-Z_][a-zA-Z0-9_]*)(?::([a-zA-Z_][a-zA-Z0-9_]*))?\}/g

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Compiles a path in Starlette's syntax: `/users/{id:int}`; `{name}` alone is a `str` parameter. */
export function compilePath(path: string): CompiledPath {
  const convertors: Record<string, Convertor> = Object.create(null)
  const duplicated = new Set<string>()
  let source = '^'
  let format = ''
  let last = 0
  for (const match of path.matchAll(PARAM)) {
    const [text, name, type = 'str'] = match
    const convertor = CONVERTORS[type]
    if (convertor === undefined) throw new TypeError(`Unknown path convertor '${type}' in ${path}`)
    const literal = path.slice(last, match.index)
    source += `${escapeRegExp(literal)}(?<${name}>${convertor.regex})`
    format += `${literal}{${name}}`
    if (name in convertors) duplicated.add(name)
    convertors[name] = convertor
    last = match.index + text.length
  }
  if (duplicated.size > 0) {
    throw new TypeError(`Duplicated param name${duplicated.size > 1 ? 's' : ''} ${[...duplicated].join(', ')} at path ${path}`)
  }
  source += `${escapeRegExp(path.slice(last))}$`
  format += path.slice(last)
  // `s`: a decoded path may hold a newline (%0A), which `{rest:path}` should still match.
  return { regex: new RegExp(source, 's'), format, convertors }
}

/** Matches `path` against a compiled path, returning the converted parameters, or undefined. */
export function matchPath(compiled: CompiledPath, path: string): Record<string, unknown> | undefined {
  const match = compiled.regex.exec(path)
  if (match === null) return undefined
  const params: Record<string, unknown> = {}
  for (const [name, text] of Object.entries(match.groups ?? {})) params[name] = compiled.convertors[name].convert(text)
  return params
}

/** Fills a path template with the parameters it names; returns the path and the parameters left over. */
export function replaceParams(compiled: CompiledPath, params: Record<string, unknown>): [string, Record<string, unknown>] {
  let path = compiled.format
  const remaining: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(params)) {
    const slot = `{${name}}`
    // split/join, not replace(): a value holding `$&` must not be read as a replacement pattern.
    if (path.includes(slot)) path = path.split(slot).join(compiled.convertors[name].format(value))
    else remaining[name] = value
  }
  return [path, remaining]
}

/**
 * The path the routes see: `scope.path` is the full path (as current Starlette and uvicorn have it),
 * so the root path is cut off when the path lies below it.
 */
export function routePath(scope: Pick<HTTPScope, 'path' | 'root_path'>): string {
  const { path, root_path: rootPath } = scope
  if (!rootPath || !path.startsWith(rootPath)) return path
  if (path === rootPath) return ''
  return path[rootPath.length] === '/' ? path.slice(rootPath.length) : path
}
