// Runs tsc in this process and reports its peak RSS on exit: `node tsc-peak.cjs <tsc.js> <args…>`.
const tsc = process.argv[2]
process.argv.splice(2, 1)
process.on('exit', () => {
  process.stderr.write(`\nPEAK_RSS_KB ${process.resourceUsage().maxRSS}\n`)
})
require(require('node:path').resolve(tsc))
