// The floor: a bare walk over a pcap file's records with pcap-parser, doing
// nothing with them. Usage: node test/bench/walk.mjs FILE
import pcapParser from 'pcap-parser';

const parser = pcapParser.parse(process.argv[2]);
let packets = 0;
let bytes = 0;
parser.on('packet', (p) => {
  packets++;
  bytes += p.header.capturedLength;
});
parser.on('end', () => console.log(`${packets} packets, ${bytes} bytes`));
