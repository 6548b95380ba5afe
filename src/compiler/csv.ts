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
  const header = columns.join(',')
  let sawRecord = false
  let lineNo = 0
  let start = 0
  while (start <= text.length) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    lineNo++
    let raw = text.slice(start, end)
    start = end + 1
    if (raw.endsWith('\r')) raw = raw.slice(0, -1)
    const trimmed = raw.trim()
    if (trimmed === '' || trimmed.startsWith('#')) {
      if (end === text.length) break
      continue
    }
    if (!sawRecord && trimmed.replace(/\s*,\s*/g, ',') === header) {
      sawRecord = true
      continue
    }
    sawRecord = true
    const fields: string[] = []
    let from = 0
    for (let c = 0; c < columns.length - 1; c++) {
      const comma = trimmed.indexOf(',', from)
      if (comma < 0) break
      fields.push(trimmed.slice(from, comma).trim())
      from = comma + 1
    }
    if (fields.length !== columns.length - 1) {
      problems.push({
        line: lineNo,
        message: `expected ${columns.length} comma-separated fields (${header})`,
        value: trimmed,
      })
    } else {
      fields.push(trimmed.slice(from).trim())
      records.push({ line: lineNo, fields })
    }
    if (end === text.length) break
  }
  return { records, problems }
}
