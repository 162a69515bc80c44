/**
 * A lane of monkeys munching bananas for each team of the page on show (the
 * lanes turn through the teams with the team standings' pages). A lane's
 * crowd is linear in the monkeys the team has fed — one monkey drawn for
 * every `unit` fed, the same unit on every page, said in the title row —
 * and a bite pops a banana over the lane. Lanes glide when teams swap places.
 */
import type * as Phaser from 'phaser';
import { crowdSize, crowdUnit } from '../state/crowd.js';
import { PageTurner } from '../state/rotation.js';
import type { RankedTeam } from '../state/standings.js';
import { setText } from './header-view.js';
import { MONKEY_SIZE, MUNCH_ANIMATION, TEXTURES } from './textures.js';
import { COLORS, css, destroyTweened, drawPanel, LAYOUT, setFittedText, textStyle } from './theme.js';

const LANE_HEIGHT = 66;
const LABEL_WIDTH = 400;
const NAME_WIDTH = 220;
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

export interface MonkeyViewOptions {
  /** Lanes on show: a page of the team standings. */
  readonly lanes: number;
  readonly pageMs: number;
  readonly colorOf: (team: string) => number;
}

export class MonkeyView {
  private readonly lanes = new Map<string, Lane>();
  private readonly top = LAYOUT.monkeys.y + 62;
  private readonly empty: Phaser.GameObjects.Text;
  private readonly scaleText: Phaser.GameObjects.Text;
  private readonly pages: PageTurner<RankedTeam>;
  private unit = 1;

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly options: MonkeyViewOptions,
  ) {
    this.pages = new PageTurner<RankedTeam>(options.lanes, options.pageMs);
    drawPanel(scene, LAYOUT.monkeys, 'MONKEYS FED');
    this.scaleText = scene.add
      .text(LAYOUT.monkeys.x + LAYOUT.monkeys.width - 24, LAYOUT.monkeys.y + 30, '', textStyle(26, COLORS.muted, true))
      .setOrigin(1, 0.5);
    this.empty = scene.add
      .text(
        LAYOUT.monkeys.x + LAYOUT.monkeys.width / 2,
        this.top + LANE_HEIGHT * 1.5,
        'hungry monkeys are waiting for their first banana…',
        textStyle(32, COLORS.muted),
      )
      .setOrigin(0.5);
  }

  /** The whole team standings; the lanes show the current page of them. */
  show(teams: readonly RankedTeam[]): void {
    this.pages.set(teams, this.scene.time.now);
    this.render(false);
  }

  /** Called every frame: turns to the next page of teams with the team standings. */
  update(now: number): void {
    if (this.pages.turned(now)) this.render(true);
  }

  private render(turned: boolean): void {
    const { page, items: shown, all } = this.pages;
    this.unit = crowdUnit(all.reduce((most, t) => Math.max(most, t.fedMonkeys), 0));
    const fedAny = all.some((t) => t.fedMonkeys > 0);
    this.empty.setVisible(!fedAny);
    const pageNote = page.count === 1 ? '' : ` · teams ${page.start + 1}–${page.end} of ${page.total}`;
    setText(this.scaleText, fedAny ? `1 monkey = ${this.unit} fed${pageNote}` : '');
    const keep = new Set<string>();
    shown.forEach((team, slot) => {
      keep.add(team.team);
      const known = this.lanes.get(team.team);
      const lane = known ?? this.createLane(team, slot);
      if (lane.slot !== slot) {
        lane.slot = slot;
        this.scene.tweens.add({ targets: lane.container, y: this.laneY(slot), duration: 500, ease: 'Cubic.easeInOut' });
      }
      // A newcomer may take a team's colour slot: recolour, but only on a change (setColor redraws the text).
      const color = css(this.options.colorOf(team.team));
      if (lane.name.style.color !== color) lane.name.setColor(color);
      // A lane that just appeared (or came with a page) fills up quietly; bananas pop for what is fed from then on.
      this.grow(lane, team.fedMonkeys, known !== undefined);
    });
    for (const [team, lane] of this.lanes) {
      if (keep.has(team)) continue;
      this.lanes.delete(team);
      this.scene.tweens.killTweensOf(lane.container);
      this.scene.tweens.add({
        targets: lane.container,
        alpha: 0,
        duration: turned ? 200 : 150,
        onComplete: () => destroyTweened(this.scene, lane.container),
      });
    }
  }

  private laneY(slot: number): number {
    return this.top + slot * LANE_HEIGHT;
  }

  private createLane(team: RankedTeam, slot: number): Lane {
    const x = LAYOUT.monkeys.x;
    const name = this.scene.add.text(x + 24, LANE_HEIGHT / 2, '', textStyle(30, this.options.colorOf(team.team), true)).setOrigin(0, 0.5);
    setFittedText(name, team.team, NAME_WIDTH);
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
    const target = crowdSize(fedMonkeys, this.unit);
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
