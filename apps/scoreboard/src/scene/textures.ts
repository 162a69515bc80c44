/**
 * The scoreboard's art, drawn at start into canvas textures: a monkey with
 * two frames (biting, chewing) and a banana. Nothing is downloaded, so the
 * page works on a conference network and in CI alike.
 */
import type * as Phaser from 'phaser';

export const TEXTURES = {
  monkey: 'monkey',
  banana: 'banana',
} as const;

export const MONKEY_FRAMES = { bite: 'bite', chew: 'chew' } as const;
export const MUNCH_ANIMATION = 'munch';
export const MONKEY_SIZE = 100;

const FUR = '#7a4a21';
const FUR_DARK = '#5b3416';
const SKIN = '#e8b98a';
const BANANA = '#ffe135';
const BANANA_EDGE = '#c9a400';

export function createTextures(scene: Phaser.Scene): void {
  if (!scene.textures.exists(TEXTURES.monkey)) createMonkey(scene);
  if (!scene.textures.exists(TEXTURES.banana)) createBanana(scene);
  if (!scene.anims.exists(MUNCH_ANIMATION)) {
    scene.anims.create({
      key: MUNCH_ANIMATION,
      frames: [
        { key: TEXTURES.monkey, frame: MONKEY_FRAMES.bite },
        { key: TEXTURES.monkey, frame: MONKEY_FRAMES.chew },
      ],
      frameRate: 3,
      repeat: -1,
    });
  }
}

function createMonkey(scene: Phaser.Scene): void {
  const texture = scene.textures.createCanvas(TEXTURES.monkey, MONKEY_SIZE * 2, MONKEY_SIZE);
  if (texture === null) throw new Error('cannot create the monkey texture');
  const ctx = texture.getContext();
  drawMonkey(ctx, 0, true);
  drawMonkey(ctx, MONKEY_SIZE, false);
  texture.add(MONKEY_FRAMES.bite, 0, 0, 0, MONKEY_SIZE, MONKEY_SIZE);
  texture.add(MONKEY_FRAMES.chew, 0, MONKEY_SIZE, 0, MONKEY_SIZE, MONKEY_SIZE);
  texture.refresh();
}

/** One monkey sitting, banana in hand: raised to the mouth (biting) or lowered (chewing). */
function drawMonkey(ctx: CanvasRenderingContext2D, left: number, biting: boolean): void {
  ctx.save();
  ctx.translate(left, 0);
  const circle = (x: number, y: number, r: number, color: string) => {
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.arc(x, y, r, 0, Math.PI * 2);
    ctx.fill();
  };
  const ellipse = (x: number, y: number, rx: number, ry: number, color: string) => {
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.ellipse(x, y, rx, ry, 0, 0, Math.PI * 2);
    ctx.fill();
  };
  // tail
  ctx.strokeStyle = FUR_DARK;
  ctx.lineWidth = 5;
  ctx.lineCap = 'round';
  ctx.beginPath();
  ctx.moveTo(70, 86);
  ctx.bezierCurveTo(96, 90, 96, 60, 84, 62);
  ctx.stroke();
  // body and belly
  ellipse(50, 74, 24, 22, FUR);
  ellipse(50, 78, 14, 14, SKIN);
  // feet
  ellipse(36, 95, 9, 5, FUR_DARK);
  ellipse(64, 95, 9, 5, FUR_DARK);
  // ears
  circle(25, 36, 10, FUR);
  circle(75, 36, 10, FUR);
  circle(25, 36, 5, SKIN);
  circle(75, 36, 5, SKIN);
  // head and face
  circle(50, 36, 24, FUR);
  circle(42, 32, 9, SKIN);
  circle(58, 32, 9, SKIN);
  ellipse(50, 44, 15, 11, SKIN);
  // eyes
  circle(43, 32, 3.4, '#1a1a1a');
  circle(57, 32, 3.4, '#1a1a1a');
  circle(44, 31, 1.1, '#ffffff');
  circle(58, 31, 1.1, '#ffffff');
  // mouth: open for the bite, a content smile while chewing
  if (biting) {
    ellipse(50, 49, 5, 4, '#4a1f10');
  } else {
    ctx.strokeStyle = '#4a1f10';
    ctx.lineWidth = 2.5;
    ctx.beginPath();
    ctx.arc(50, 45, 6, 0.15 * Math.PI, 0.85 * Math.PI);
    ctx.stroke();
  }
  // banana and the arm holding it
  const bx = biting ? 58 : 66;
  const by = biting ? 52 : 70;
  ctx.strokeStyle = FUR;
  ctx.lineWidth = 8;
  ctx.beginPath();
  ctx.moveTo(66, 70);
  ctx.lineTo(bx + 2, by + 6);
  ctx.stroke();
  drawBananaShape(ctx, bx, by, 13, biting ? -0.9 : -0.3);
  ctx.restore();
}

function drawBananaShape(ctx: CanvasRenderingContext2D, x: number, y: number, size: number, rotation: number): void {
  ctx.save();
  ctx.translate(x, y);
  ctx.rotate(rotation);
  ctx.fillStyle = BANANA;
  ctx.strokeStyle = BANANA_EDGE;
  ctx.lineWidth = Math.max(1, size / 8);
  ctx.beginPath();
  ctx.moveTo(-size, -size * 0.2);
  ctx.quadraticCurveTo(0, size * 1.2, size, -size * 0.2);
  ctx.quadraticCurveTo(0, size * 0.45, -size, -size * 0.2);
  ctx.closePath();
  ctx.fill();
  ctx.stroke();
  ctx.fillStyle = '#6b4f00';
  ctx.fillRect(size * 0.85, -size * 0.35, size * 0.22, size * 0.22);
  ctx.restore();
}

function createBanana(scene: Phaser.Scene): void {
  const size = 64;
  const texture = scene.textures.createCanvas(TEXTURES.banana, size, size);
  if (texture === null) throw new Error('cannot create the banana texture');
  drawBananaShape(texture.getContext(), size / 2, size / 2 - 4, size * 0.42, -0.5);
  texture.refresh();
}
