/**
 * V8 flags for the bot's own Node process. A 1 MB young generation (Node 20 lets it grow to 16 MB per
 * semi-space) keeps the bot's Node at ~83 MB PSS instead of ~107 MB at the same CPU (BENCHMARKS.md); the bot
 * allocates little and steadily, so the extra scavenges are cheap. The Dockerfile sets the same through
 * NODE_OPTIONS (a unit test keeps them equal); the demo, the benchmark and the tests start bots with them.
 */
export const BOT_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];
