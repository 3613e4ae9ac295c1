/**
 * Init script for bots that record no video: every remote video track is disabled as it arrives (Vexa measured
 * ~87 % CPU and ~2 GB RAM saved per bot, ref. §7), and <video> elements are not displayed. Chromium 156 still
 * decodes disabled tracks (measured: framesDecoded keeps growing); not drawing them is what saves CPU here
 * (~0.15 core per audio-only bot in a 4-participant meeting, BENCHMARKS.md). Audio plays from hidden elements.
 *
 * - It wraps the RTCPeerConnection constructor and listens to 'track': tracks are the only thing touched.
 *   Transceiver directions are never changed: that produced malformed SDP and crashed meeting pages
 *   (Vexa #284/#291/#281).
 * - `enabled = false` is deferred with setTimeout(0) so the page's own 'track' handlers see the track first.
 * - The wrapper keeps the native name, prototype and statics, so `instanceof` and feature checks still work.
 */
export const DISABLE_INCOMING_VIDEO_SCRIPT = `(() => {
  const Native = window.RTCPeerConnection;
  if (typeof Native !== 'function' || Native.__meetbotIncomingVideoOff) return;
  function RTCPeerConnection(...args) {
    const pc = new Native(...args);
    pc.addEventListener('track', (event) => {
      const track = event.track;
      if (track && track.kind === 'video') setTimeout(() => { track.enabled = false; }, 0);
    });
    return pc;
  }
  RTCPeerConnection.prototype = Native.prototype;
  Object.setPrototypeOf(RTCPeerConnection, Native);
  Object.defineProperty(RTCPeerConnection, '__meetbotIncomingVideoOff', { value: true });
  window.RTCPeerConnection = RTCPeerConnection;
  if ('webkitRTCPeerConnection' in window) window.webkitRTCPeerConnection = RTCPeerConnection;
  const hideVideo = () => {
    const style = document.createElement('style');
    style.textContent = 'video { display: none !important; }';
    (document.head || document.documentElement).appendChild(style);
  };
  if (document.documentElement) hideVideo();
  else document.addEventListener('DOMContentLoaded', hideVideo, { once: true });
})();`;
