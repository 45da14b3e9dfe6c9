// Sums the day's ledger entries it is given on stdin and prints the total.
let total = 0;
process.stdin.on('data', (chunk) => {
  for (const line of chunk.toString().split('\n')) if (line.trim()) total += Number(line);
});
process.stdin.on('end', () => {
  process.stdout.write(`${total}\n`);
});
