/**
 * `#on-screen`: what the room sees at this moment, as text — every text the
 * canvas draws (names, scores, the page of the standings on show, banners),
 * one line each in reading order, with its box on the 1920×1080 design in
 * `data-bounds` ("x,y,width,height") and its colour in `data-color`. Unlike the accessible mirror, which
 * lists the whole standings, it holds only what is visible: tests check the
 * layout through it (who is on screen, that no text overlaps another).
 * Rewritten in the frame its text changes; the boxes of moving texts are
 * refreshed at most four times a second.
 */
import * as Phaser from 'phaser';

export interface OnScreenText {
  readonly text: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** The text's fill, as CSS (#rrggbb). */
  readonly color: string;
}

const BOUNDS_REFRESH_MS = 250;
/** Nearly transparent texts (a row fading in or out) are not what the room reads. */
const MIN_ALPHA = 0.1;

/** The texts a scene draws now, in display-list order (cheap: no boxes). */
function drawnTexts(scene: Phaser.Scene): Phaser.GameObjects.Text[] {
  const found: Phaser.GameObjects.Text[] = [];
  const walk = (list: readonly Phaser.GameObjects.GameObject[], alpha: number): void => {
    for (const object of list) {
      const shown = object as Phaser.GameObjects.GameObject & Phaser.GameObjects.Components.Visible & Phaser.GameObjects.Components.AlphaSingle;
      if (!shown.visible) continue;
      const seen = alpha * (shown.alpha ?? 1);
      if (seen < MIN_ALPHA) continue;
      if (object instanceof Phaser.GameObjects.Container) walk(object.list, seen);
      else if (object instanceof Phaser.GameObjects.Text && object.text.trim() !== '') found.push(object);
    }
  };
  walk(scene.children.list, 1);
  return found;
}

/** The texts a scene draws now within the design's width and height, with their boxes, in reading order (top to bottom, then left to right). */
export function textsOnScreen(scene: Phaser.Scene, width: number, height: number): OnScreenText[] {
  const texts: OnScreenText[] = [];
  for (const object of drawnTexts(scene)) {
    const box = object.getBounds();
    if (box.right <= 0 || box.bottom <= 0 || box.x >= width || box.y >= height) continue;
    texts.push({
      text: object.text.replace(/\s*\n\s*/g, ' '),
      x: Math.round(box.x),
      y: Math.round(box.y),
      width: Math.round(box.width),
      height: Math.round(box.height),
      color: String(object.style.color),
    });
  }
  return texts.sort((a, b) => Math.round(a.y + a.height / 2) - Math.round(b.y + b.height / 2) || a.x - b.x);
}

/** Keeps `list` (an <ol>) equal to what the scene draws, checked after every frame the game renders. */
export function mountOnScreen(list: HTMLElement, game: Phaser.Game, scene: Phaser.Scene, width: number, height: number): void {
  let drawnKey = '';
  let shownText = '';
  let boundsAt = 0;
  game.events.on(Phaser.Core.Events.POST_RENDER, () => {
    if (scene.sys.displayList === undefined || !scene.sys.isActive()) return;
    const now = performance.now();
    // Every frame, the cheap question: did any drawn text change? Boxes (getBounds) only when it did, or to refresh them.
    const key = drawnTexts(scene)
      .map((t) => t.text)
      .join('\n');
    if (key === drawnKey && now - boundsAt < BOUNDS_REFRESH_MS) return;
    drawnKey = key;
    boundsAt = now;
    const texts = textsOnScreen(scene, width, height);
    // A recoloured text (a team's colour once a newcomer takes its slot) is a change too.
    const text = texts.map((t) => `${t.text}\u0000${t.color}`).join('\n');
    const boundsOf = (t: OnScreenText) => `${t.x},${t.y},${t.width},${t.height}`;
    if (text !== shownText) {
      shownText = text;
      list.replaceChildren(
        ...texts.map((t) => {
          const item = document.createElement('li');
          item.textContent = t.text;
          item.dataset.bounds = boundsOf(t);
          item.dataset.color = t.color;
          return item;
        }),
      );
      return;
    }
    texts.forEach((t, i) => {
      const item = list.children[i] as HTMLElement | undefined;
      if (item !== undefined && item.dataset.bounds !== boundsOf(t)) item.dataset.bounds = boundsOf(t);
    });
  });
}
