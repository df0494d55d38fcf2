// What a connection's story is told from (analyze/story.ts): counted by the
// analysis as the connection goes by, it must be what the connection's lists
// give (storyOfLists) on every capture the project has, the damaged, cut,
// reordered and hostile ones too; where the analysis could not count it (its
// timeline was changed after the fact), the story is counted from the lists.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { analyze, only } from './support/analyze.js';
import { storyOfLists, type StoryFacts } from '../src/analyze/story.js';
import { summaryOf } from '../src/index.js';
import { tellStory } from '../src/render/story.js';

const ALL = execFileSync('find', ['captures', '-type', 'f', '(', '-name', '*.pcap', '-o', '-name', '*.pcapng', '-o', '-name', '*.gz', ')'], { encoding: 'utf8' }).trim().split('\n').sort();

/** The facts as plain data: entries by packet and words, frames by index. */
function plain(f: StoryFacts): unknown {
  return {
    runs: f.runs.map((r) => ({ ...r, entries: r.entries.map((e) => `${e.packet} ${e.phase} ${summaryOf(e)}`) })),
    app: f.app,
  };
}

describe('the story counted as the connection goes by', () => {
  let counted = 0;
  let fromLists = 0;
  it.each(ALL)('is what the lists give: %s', async (file) => {
    for (const c of (await analyze(file)).connections) {
      if (c.story === null) {
        fromLists++;
        continue;
      }
      counted++;
      expect(plain(c.story), `connection ${c.id}`).toEqual(plain(storyOfLists(c)));
    }
  }, 60_000);

  it('is counted for most connections, and left to the lists for some', () => {
    // (runs after the captures above: vitest runs a file's tests in order)
    expect(counted).toBeGreaterThan(300);
    expect(fromLists).toBeGreaterThan(0);
  });
});

describe('a story the analysis could not count', () => {
  it('is told from the lists: a connection joined in the middle settles its first packets at its end', async () => {
    const c = only(await analyze('captures/violations/tcp.handshake-missing.pcap'));
    expect(c.story).toBeNull();
    const story = tellStory(c);
    expect(story[0]).toMatch(/^The capture starts in the middle of this connection/);
    // its frames counted all the same
    expect(story[1]).toMatch(/^Packets 1–7 carry 2 text frames from the client \(masked\) and 2 text frames from the server \(unmasked\)/);
  });
});

describe('the story\'s closing handshake', () => {
  it('is the one the analysis settled, in a capture merged from two taps where the reply was captured first', async () => {
    // ws_deflate_takeover's client packets 5 ms late: the server's reply (packet 55) comes before the client's Close (58)
    const c = only(await analyze('captures/tapmerge/ws_deflate_takeover.skew5ms.pcap'));
    expect(c.close).toMatchObject({ initiator: 'client', packet: 58, replyPacket: 55 });
    expect(tellStory(c)).toContain('Packet 58 is the client\'s Close (1000 Normal Closure, "done"); packet 55 is the server\'s Close in reply (1000).');
  });

  it('names the packets conn.close names, in every capture', async () => {
    for (const file of ALL) {
      for (const c of (await analyze(file)).connections) {
        const cs = c.close;
        const told = tellStory(c).find((s) => /'s Close \(/.test(s));
        if (!told) continue;
        expect(told, `${file} ${c.id}`).toContain(`Packet ${cs.packet} is the ${cs.initiator}'s Close`);
        if (cs.replyPacket !== null) expect(told, `${file} ${c.id}`).toContain(`packet ${cs.replyPacket} is the ${cs.initiator === 'client' ? 'server' : 'client'}'s Close in reply`);
      }
    }
  }, 120_000);
});
