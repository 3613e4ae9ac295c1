import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingSpec, startMediaBot, type MediaBot } from '../helpers/mediaBot.js';

// The bot's fake microphone and camera, as a page that asks for them gets them: silence and black. A meeting
// that will not let the bot turn its microphone off (a toggle that never flips) then still gets nothing from it.

let server: Server;
let bot: MediaBot;

beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>devices</title>'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  bot = await startMediaBot({ name: 'fakedev', recording: recordingSpec(), url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
});

afterAll(async () => {
  await bot?.close();
  server?.close();
});

describe('fake devices', () => {
  it('give a page silence from the microphone and black from the camera', async () => {
    const seen = await bot.browser.page.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
      const ctx = new AudioContext();
      const analyser = ctx.createAnalyser();
      ctx.createMediaStreamSource(stream).connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      let peak = 0;
      for (let i = 0; i < 30; i++) {
        await new Promise((r) => setTimeout(r, 50));
        analyser.getFloatTimeDomainData(samples);
        for (const s of samples) peak = Math.max(peak, Math.abs(s));
      }
      const video = document.createElement('video');
      video.muted = true;
      video.srcObject = stream;
      await video.play();
      await new Promise((r) => setTimeout(r, 500));
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const g = canvas.getContext('2d')!;
      g.drawImage(video, 0, 0);
      const { data } = g.getImageData(0, 0, canvas.width, canvas.height);
      let brightest = 0;
      for (let i = 0; i < data.length; i += 4) brightest = Math.max(brightest, data[i]!, data[i + 1]!, data[i + 2]!);
      stream.getTracks().forEach((t) => t.stop());
      return { peak, brightest, width: canvas.width };
    });
    expect(seen.width).toBeGreaterThan(0);
    expect(seen.peak).toBeLessThan(0.001);
    expect(seen.brightest).toBeLessThan(24);
  });
});
