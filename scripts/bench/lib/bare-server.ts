// The physical limit: a bare node:http server that answers every request with the same bytes
// (status, content type and body captured from the portal), so the physical-limit scenario can
// compare the portal with what Node and the loopback do with no framework, auth or database.
// Reads its answer from the JSON file named on the command line.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'

const { contentType, body } = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { contentType: string, body: string }
const bytes = Buffer.from(body)

createServer((_req, res) => {
  res.writeHead(200, { 'content-type': contentType, 'content-length': bytes.length })
  res.end(bytes)
}).listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1')
