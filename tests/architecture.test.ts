// Keeps src/ layered as docs/architecture.md says: the test reads the doc's table, so the two cannot drift.
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const src = join(root, 'src')

/** The doc's rows: module (a file, or a folder ending in '/') → the modules it may import. */
function layers(): Map<string, string[]> {
  const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8')
  const rows = new Map<string, string[]>()
  for (const line of doc.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim())
    const module = /^`([^`]+)`$/.exec(cells[1] ?? '')?.[1]
    if (!module || cells.length < 5) continue
    rows.set(module, [...(cells[3] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]))
  }
  return rows
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  )
}

/** The module a path of src/ belongs to: its top-level folder (with '/') or its file name. */
function moduleOf(path: string): string {
  const [first, ...rest] = relative(src, path).split('/')
  return rest.length > 0 ? `${first}/` : first
}

/** Relative imports and re-exports of a file, resolved to src/ paths (.js → .ts). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/\b(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => resolve(dirname(file), m[1].replace(/\.js$/, '.ts')))
}

const rows = layers()
const files = sourceFiles(src)

describe('src/ follows docs/architecture.md', () => {
  test('the doc has a row for every module', () => {
    expect(rows.size).toBeGreaterThan(10)
    const missing = [...new Set(files.map(moduleOf))].filter((module) => !rows.has(module))
    expect(missing, 'modules without a row in docs/architecture.md').toEqual([])
  })

  test('every row names existing modules', () => {
    const modules = new Set(files.map(moduleOf))
    const named = [...rows].flatMap(([module, allowed]) => [module, ...allowed])
    expect(named.filter((module) => !modules.has(module))).toEqual([])
  })

  test('every import goes to the module itself or one its row allows', () => {
    const violations: string[] = []
    for (const file of files) {
      const from = moduleOf(file)
      for (const target of importsOf(file)) {
        const to = moduleOf(target)
        if (to !== from && !rows.get(from)?.includes(to)) violations.push(`${relative(root, file)} imports ${relative(root, target)} (${from} → ${to})`)
      }
    }
    expect(violations).toEqual([])
  })

  test('modules import each other without cycles', () => {
    const edges = new Map<string, Set<string>>()
    for (const file of files) {
      for (const target of importsOf(file)) {
        const [from, to] = [moduleOf(file), moduleOf(target)]
        if (from !== to) (edges.get(from) ?? edges.set(from, new Set()).get(from)!).add(to)
      }
    }
    const cycles: string[] = []
    const visit = (module: string, path: string[]) => {
      if (path.includes(module)) return void cycles.push([...path.slice(path.indexOf(module)), module].join(' → '))
      for (const next of edges.get(module) ?? []) visit(next, [...path, module])
    }
    for (const module of edges.keys()) visit(module, [])
    expect(cycles).toEqual([])
  })

  test('the check sees a forbidden import (requests → responses)', () => {
    const from = moduleOf(join(src, 'requests.ts'))
    expect(rows.get(from)).not.toContain(moduleOf(join(src, 'responses/response.ts')))
    expect(rows.get(moduleOf(join(src, 'sw/handle.ts')))).not.toContain('responses/')
  })
})
