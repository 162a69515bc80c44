/**
 * Each leading team's lane of monkeys munching bananas. A lane's crowd grows
 * with the monkeys the team has fed; a bite pops a banana over the lane.
 * Lanes follow the team standings, gliding when teams swap places.
 */
import type * as Phaser from 'phaser';
import { crowdSize } from '../state/crowd.js';
import type { RankedTeam } from '../state/standings.js';
import { setText } from './header-view.js';
import { MONKEY_SIZE, MUNCH_ANIMATION, TEXTURES } from './textures.js';
import { COLORS, destroyTweened, drawPanel, fit, LAYOUT, teamColor, textStyle } from './theme.js';

const LANES = 4;
const LANE_HEIGHT = 66;
const LABEL_WIDTH = 330;
const MONKEY_SCALE = 0.66;
const CROWD_WIDTH = LAYOUT.monkeys.width - LABEL_WIDTH - 40;

interface Lane {
  readonly container: Phaser.GameObjects.Container;
  readonly name: Phaser.GameObjects.Text;
  readonly fed: Phaser.GameObjects.Text;
  readonly monkeys: Phaser.GameObjects.Sprite[];
  slot: number;
  fedMonkeys: number;
  /** Monkeys fed since the last banana pop: pops are rationed so a busy game stays smooth. */
  unpopped: number;
  poppedAt: number;
}

const POP_INTERVAL_MS = 700;

export class MonkeyView {
  private readonly lanes = new Map<string, Lane>();
  private readonly top = LAYOUT.monkeys.y + 62;
  private readonly empty: Phaser.GameObjects.Text;

  constructor(private readonly scene: Phaser.Scene) {
    drawPanel(scene, LAYOUT.monkeys, 'MONKEYS FED');
    this.empty = scene.add
      .text(
        LAYOUT.monkeys.x + LAYOUT.monkeys.width / 2,
        this.top + LANE_HEIGHT * 1.5,
        'hungry monkeys are waiting for their first banana…',
        textStyle(32, COLORS.muted),
      )
      .setOrigin(0.5);
  }

  show(teams: readonly RankedTeam[]): void {
    const shown = teams.slice(0, LANES);
    this.empty.setVisible(shown.every((t) => t.fedMonkeys === 0));
    const keep = new Set<string>();
    shown.forEach((team, slot) => {
      keep.add(team.team);
      const known = this.lanes.get(team.team);
      const lane = known ?? this.createLane(team, slot);
      if (lane.slot !== slot) {
        lane.slot = slot;
        this.scene.tweens.add({ targets: lane.container, y: this.laneY(slot), duration: 500, ease: 'Cubic.easeInOut' });
      }
      // A lane that just appeared fills up quietly; bananas pop for what is fed from then on.
      this.grow(lane, team.fedMonkeys, known !== undefined);
    });
    for (const [team, lane] of this.lanes) {
      if (keep.has(team)) continue;
      this.lanes.delete(team);
      this.scene.tweens.add({ targets: lane.container, alpha: 0, duration: 300, onComplete: () => destroyTweened(this.scene, lane.container) });
    }
  }

  private laneY(slot: number): number {
    return this.top + slot * LANE_HEIGHT;
  }

  private createLane(team: RankedTeam, slot: number): Lane {
    const x = LAYOUT.monkeys.x;
    const name = this.scene.add.text(x + 24, LANE_HEIGHT / 2, fit(team.team, 12), textStyle(34, teamColor(team.team), true)).setOrigin(0, 0.5);
    const fed = this.scene.add.text(x + LABEL_WIDTH, LANE_HEIGHT / 2, '0', textStyle(34, COLORS.text, true)).setOrigin(1, 0.5);
    const container = this.scene.add.container(0, this.laneY(slot), [name, fed]);
    container.alpha = 0;
    this.scene.tweens.add({ targets: container, alpha: 1, duration: 400 });
    const lane: Lane = { container, name, fed, monkeys: [], slot, fedMonkeys: 0, unpopped: 0, poppedAt: -Infinity };
    this.lanes.set(team.team, lane);
    return lane;
  }

  private grow(lane: Lane, fedMonkeys: number, popBananas: boolean): void {
    const gained = fedMonkeys - lane.fedMonkeys;
    lane.fedMonkeys = fedMonkeys;
    setText(lane.fed, String(fedMonkeys));
    const target = crowdSize(fedMonkeys);
    while (lane.monkeys.length > target) destroyTweened(this.scene, lane.monkeys.pop()!);
    const spacing = Math.min(MONKEY_SIZE * MONKEY_SCALE * 0.9, CROWD_WIDTH / Math.max(1, target / 2 + 0.5));
    while (lane.monkeys.length < target) {
      const i = lane.monkeys.length;
      // Two staggered rows, the back one smaller, so a big crowd reads as a crowd.
      const back = i % 2 === 1;
      const x = LAYOUT.monkeys.x + LABEL_WIDTH + 50 + Math.floor(i / 2) * spacing + (back ? spacing / 2 : 0);
      const y = LANE_HEIGHT / 2 + (back ? -6 : 4);
      const scale = back ? MONKEY_SCALE * 0.85 : MONKEY_SCALE;
      const monkey = this.scene.add.sprite(x, y, TEXTURES.monkey).setScale(0);
      monkey.play({ key: MUNCH_ANIMATION, frameRate: 2 + ((i * 7) % 5) * 0.4, startFrame: i % 2 });
      lane.container.add(monkey);
      if (back) lane.container.sendToBack(monkey);
      this.scene.tweens.add({ targets: monkey, scale, duration: 500, ease: 'Back.easeOut', delay: 40 * (i % 6) });
      this.scene.tweens.add({ targets: monkey, y: y - 5, duration: 380 + ((i * 53) % 300), yoyo: true, repeat: -1, ease: 'Sine.easeInOut' });
      lane.monkeys.push(monkey);
    }
    if (gained > 0 && popBananas) lane.unpopped += gained;
    const now = this.scene.time.now;
    if (lane.unpopped > 0 && now - lane.poppedAt >= POP_INTERVAL_MS) {
      this.popBanana(lane, lane.unpopped);
      lane.unpopped = 0;
      lane.poppedAt = now;
    }
  }

  /** A banana jumps over the lane with the number just fed. */
  private popBanana(lane: Lane, gained: number): void {
    const x = LAYOUT.monkeys.x + LABEL_WIDTH + 60 + Math.random() * (CROWD_WIDTH - 120);
    const y = lane.container.y + 10;
    const banana = this.scene.add.image(x, y, TEXTURES.banana).setScale(0.6).setDepth(5);
    const label = this.scene.add
      .text(x + 26, y, `+${gained}`, textStyle(30, COLORS.banana, true))
      .setOrigin(0, 0.5)
      .setDepth(5);
    this.scene.tweens.add({
      targets: [banana, label],
      y: y - 50,
      alpha: 0,
      duration: 1200,
      ease: 'Quad.easeOut',
      onComplete: () => {
        banana.destroy();
        label.destroy();
      },
    });
  }
}
