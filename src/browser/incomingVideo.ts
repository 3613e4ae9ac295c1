/**
 * Init script for bots that record no video: every remote video track is disabled as it arrives, so Chromium
 * neither decodes nor renders incoming video (Vexa measured ~87 % CPU and ~2 GB RAM saved per bot, ref. §7).
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
})();`;
