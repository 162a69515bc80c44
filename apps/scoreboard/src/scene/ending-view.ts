/**
 * The ending on the canvas: the last minute counted down in large figures at
 * the top of the screen (above the panels' headers, not over the chart), and
 * at the end a podium — top three teams and traders with their scores —
 * centred over a dimmed scoreboard until the next game.
 */
import type * as Phaser from 'phaser';
import type { Podium } from '../state/ending.js';
import { setText } from './header-view.js';
import { COLORS, DESIGN_HEIGHT, DESIGN_WIDTH, textStyle } from './theme.js';

const MEDALS = [COLORS.banana, 0xc0c0c0, 0xcd7f32] as const;

export class EndingView {
  private readonly countdown: Phaser.GameObjects.Text;
  private readonly podium: Phaser.GameObjects.Container;
  private readonly teamLines: Phaser.GameObjects.Text[];
  private readonly traderLines: Phaser.GameObjects.Text[];

  constructor(scene: Phaser.Scene) {
    this.countdown = scene.add
      .text(DESIGN_WIDTH / 2, 220, '', textStyle(200, COLORS.alert, true))
      .setOrigin(0.5)
      .setDepth(18)
      .setVisible(false);
    const shade = scene.add.rectangle(0, 0, DESIGN_WIDTH, DESIGN_HEIGHT, 0x000000, 0.8);
    const title = scene.add.text(0, -380, 'FINAL STANDINGS', textStyle(84, COLORS.banana, true)).setOrigin(0.5);
    const teamsTitle = scene.add.text(-440, -260, 'TEAMS', textStyle(48, COLORS.muted, true)).setOrigin(0.5);
    const tradersTitle = scene.add.text(440, -260, 'TRADERS', textStyle(48, COLORS.muted, true)).setOrigin(0.5);
    const line = (x: number, i: number) =>
      scene.add
        .text(x, -140 + i * 150, '', textStyle(i === 0 ? 64 : 54, MEDALS[i], true))
        .setOrigin(0.5)
        .setFixedSize(840, 0)
        .setAlign('center');
    this.teamLines = [0, 1, 2].map((i) => line(-440, i));
    this.traderLines = [0, 1, 2].map((i) => line(440, i));
    this.podium = scene.add
      .container(DESIGN_WIDTH / 2, DESIGN_HEIGHT / 2, [shade, title, teamsTitle, tradersTitle, ...this.teamLines, ...this.traderLines])
      .setDepth(25)
      .setVisible(false);
  }

  showCountdown(text: string | undefined): void {
    this.countdown.setVisible(text !== undefined);
    if (text !== undefined) setText(this.countdown, text);
  }

  showPodium(podium: Podium | undefined): void {
    this.podium.setVisible(podium !== undefined);
    if (podium === undefined) return;
    this.teamLines.forEach((text, i) => {
      const team = podium.teams[i];
      setText(text, team === undefined ? '' : `${team.place}. ${team.team}  ${team.score}`);
    });
    this.traderLines.forEach((text, i) => {
      const trader = podium.traders[i];
      setText(text, trader === undefined ? '' : `${trader.place}. ${trader.team}/${trader.name}  ${trader.score}`);
    });
    this.countdown.setVisible(false);
  }
}
