// Which errors mean "no room to write", and what a client is told: a real SQLITE_FULL (a database
// held to its current size with max_page_count, which SQLite answers exactly as a full disk) is a
// 507 with its code, and the transaction it broke left nothing behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { classifyUnexpected } from '../../server/services/errors.ts'
import { inTransaction } from '../../server/services/query/index.ts'
import { storageFaultOf } from '../../server/services/storage/faults.ts'
import { tempDatabase } from './helpers.ts'

let db: ReturnType<typeof tempDatabase>
beforeAll(() => {
  db = tempDatabase()
})
afterAll(() => db.dispose())

describe('a full disk', () => {
  it('is a 507 naming SQLITE_FULL, and the refused transaction changed nothing', () => {
    const { sqlite } = db.conn
    sqlite.exec('CREATE TABLE filler (x BLOB)')
    const pages = sqlite.pragma('page_count', { simple: true }) as number
    sqlite.pragma(`max_page_count = ${pages + 2}`)
    let error: unknown
    try {
      inTransaction(() => {
        for (let i = 0; i < 100; i++) sqlite.prepare('INSERT INTO filler VALUES (?)').run(Buffer.alloc(4096))
      })
    }
    catch (e) {
      error = e
    }
    expect((error as { code?: string }).code).toBe('SQLITE_FULL')
    expect(classifyUnexpected(error)).toEqual({
      statusCode: 507,
      statusMessage: 'Insufficient Storage',
      message: 'Insufficient storage: the disk is full (SQLITE_FULL); nothing was written',
      data: { reason: 'SQLITE_FULL' },
    })
    expect(sqlite.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 0 })
  })

  it('is also what the kernel says past a quota or a file-size limit, however wrapped', () => {
    for (const code of ['ENOSPC', 'EFBIG', 'EDQUOT', 'SQLITE_IOERR_WRITE', 'SQLITE_IOERR_TRUNCATE', 'SQLITE_IOERR_SHMSIZE']) {
      const wrapped = new Error('h3 wrapper', { cause: Object.assign(new Error('write failed'), { code }) })
      expect(storageFaultOf(wrapped)?.code).toBe(code)
      expect(classifyUnexpected(wrapped)).toMatchObject({ statusCode: 507, data: { reason: code } })
    }
  })

  it('is not any other I/O error: a failed read stays a 500', () => {
    const read = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_READ' })
    expect(storageFaultOf(read)).toBeUndefined()
    expect(classifyUnexpected(read)).toMatchObject({ statusCode: 500 })
  })
})
