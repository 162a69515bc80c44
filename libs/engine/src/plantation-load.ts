/**
 * How much a game's plantations are loaded, the numbers every plantation rule
 * reads. When the game is split into tasks (each holding some traders), each
 * task knows only its own load: it adds the rest of the game's (the other
 * tasks') so that a trader's plantation pays the same whichever task holds it.
 */
export interface PlantationLoad {
  /** Coins planted within the saturation window (`investWindowMs`): the saturating model's market load. */
  readonly recentCoins: number;
  /** Coins ever invested: the mktd2018 multiplier and plantation delay. */
  readonly totalInvested: number;
}

export const NO_PLANTATION_LOAD: PlantationLoad = Object.freeze({ recentCoins: 0, totalInvested: 0 });

/** The load of several parts of a game (tasks) together. */
export function sumPlantationLoads(loads: Iterable<PlantationLoad>): PlantationLoad {
  let recentCoins = 0;
  let totalInvested = 0;
  for (const load of loads) {
    recentCoins += load.recentCoins;
    totalInvested += load.totalInvested;
  }
  return { recentCoins, totalInvested };
}
