// What capture reading hands to the rest of the pipeline, whatever the file format.

export interface RawPacket {
  /** 1-based, in file order (Wireshark's frame.number) */
  number: number;
  /** seconds since the epoch */
  ts: number;
  /** the timestamp's units per second (1e6 for microseconds, 1e9 for nanoseconds, a pcapng interface's if_tsresol) */
  resolution: number;
  linkType: number;
  capturedLength: number;
  originalLength: number;
  data: Buffer;
}
