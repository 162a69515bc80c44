/**
 * The spectators' page: a store fed by the game server, shown by a Phaser
 * scene for the room and by accessible text for screen readers.
 * `?server=http://host:port` points the page at another game server;
 * `?renderer=webgl|canvas` overrides the renderer choice (see renderer-choice.ts);
 * `?rotate=SECONDS` sets how long each page of the standings shows (default 6 s).
 */
import * as Phaser from 'phaser';
import { mountAccessibleMirror } from './dom/accessible-mirror.js';
import { mountOnScreen } from './dom/on-screen.js';
import { LiveConnection } from './net/live-connection.js';
import { chooseRenderer } from './renderer-choice.js';
import { DEFAULT_PAGE_MS, ScoreboardScene } from './scene/scoreboard-scene.js';
import { COLORS, css, DESIGN_HEIGHT, DESIGN_WIDTH } from './scene/theme.js';
import { rotationPeriodMs } from './state/rotation.js';
import { ScoreboardStore } from './state/scoreboard-store.js';

const store = new ScoreboardStore();
mountAccessibleMirror(document.body, store);

const params = new URLSearchParams(location.search);
const scene = new ScoreboardScene(store, { pageMs: rotationPeriodMs(params.get('rotate'), DEFAULT_PAGE_MS) });
const game = new Phaser.Game({
  type: chooseRenderer(params.get('renderer')),
  parent: 'game',
  width: DESIGN_WIDTH,
  height: DESIGN_HEIGHT,
  backgroundColor: css(COLORS.background),
  scale: { mode: Phaser.Scale.FIT, autoCenter: Phaser.Scale.CENTER_BOTH },
  audio: { noAudio: true },
  banner: false,
  scene,
});
mountOnScreen(document.getElementById('on-screen')!, game, scene, DESIGN_WIDTH, DESIGN_HEIGHT);

const server = params.get('server') ?? location.origin;
const connection = new LiveConnection(store, { server });
connection.start();

// A handle for the benchmark and for debugging from the console.
Object.assign(window, { scoreboard: { store, game, connection } });
