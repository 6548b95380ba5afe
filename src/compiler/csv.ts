/**
 * @module The map set's CSV files: one record per line, fields separated by commas, no quoting.
 * `#` starts a comment line, blank lines are skipped, and the first record may be the header
 * (exactly the expected column names). The last column takes the rest of the line, so a
 * property value may contain commas.
 */

export interface CsvRecord {
  /** 1-based line number in the file. */
  line: number
  fields: string[]
}

export interface CsvProblem {
  line: number
  message: string
  value: string
}

/**
 * Splits `text` into records of exactly `columns.length` fields (trimmed). Lines with fewer
 * fields are reported as problems; extra commas belong to the last field.
 */
export function parseCsv(
  text: string,
  columns: readonly string[]
): { records: CsvRecord[]; problems: CsvProblem[] } {
  const records: CsvRecord[] = []
  const problems: CsvProblem[] = []
  forEachCsvRecord(
    text,
    columns,
    (fields, line) => records.push({ line, fields }),
    (p) => problems.push(p)
  )
  return { records, problems }
}

/**
 * A reader's own handling of a common line, tried on each line after the first record (so never
 * on a header): `text.slice(from, to)` is the line without its end of line. It returns true when
 * it took the line, which must then be exactly what the generic record would have been; false
 * sends the line the generic way. A cost map uses it to read `src,dst,cost` without allocating.
 */
export type FastLine = (text: string, from: number, to: number, line: number) => boolean

/**
 * {@link parseCsv} without collecting: each record's fields go to `onRecord` as the line is
 * read, each malformed line to `onProblem`, in line order. A generated cost map is 1.5 million
 * lines; holding them all as records until the end made the old generation, and the GC that
 * walks it, half of a publish.
 */
export function forEachCsvRecord(
  text: string,
  columns: readonly string[],
  onRecord: (fields: string[], line: number) => void,
  onProblem: (problem: CsvProblem) => void,
  fastLine?: FastLine
): void {
  const header = columns.join(',')
  const last = columns.length - 1
  let sawRecord = false
  let lineNo = 0
  let start = 0
  const length = text.length
  while (start <= length) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = length
    lineNo++
    let lineEnd = end
    if (lineEnd > start && text.charCodeAt(lineEnd - 1) === 13) lineEnd--
    const from = start
    start = end + 1
    if (fastLine !== undefined && sawRecord && fastLine(text, from, lineEnd, lineNo)) {
      if (end === length) break
      continue
    }
    const first = text.charCodeAt(from)
    // The common line (`a,b,c` with no surrounding space) is split without a trimmed copy.
    const trimmed =
      plain(first) && first !== 35 && plain(text.charCodeAt(lineEnd - 1))
        ? text.slice(from, lineEnd)
        : text.slice(from, lineEnd).trim()
    if (trimmed === '' || trimmed.charCodeAt(0) === 35 /* # */) {
      if (end === length) break
      continue
    }
    if (!sawRecord) {
      sawRecord = true
      if (trimmed.replace(/\s*,\s*/g, ',') === header) continue
    }
    const fields: string[] = []
    let at = 0
    for (let c = 0; c < last; c++) {
      const comma = trimmed.indexOf(',', at)
      if (comma < 0) break
      fields.push(trimField(trimmed, at, comma))
      at = comma + 1
    }
    if (fields.length !== last) {
      onProblem({
        line: lineNo,
        message: `expected ${columns.length} comma-separated fields (${header})`,
        value: trimmed,
      })
    } else {
      fields.push(trimField(trimmed, at, trimmed.length))
      onRecord(fields, lineNo)
    }
    if (end === length) break
  }
}

/** `s.slice(from, to).trim()`, without the second copy when there is nothing to trim. */
function trimField(s: string, from: number, to: number): string {
  if (to > from && plain(s.charCodeAt(from)) && plain(s.charCodeAt(to - 1)))
    return s.slice(from, to)
  return s.slice(from, to).trim()
}

/** A printable ASCII character: never white space to `String.prototype.trim`. */
export function plain(c: number): boolean {
  return c > 32 && c < 127
}
