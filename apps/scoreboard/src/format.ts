/** Number and time formats shared by the canvas and the accessible text. */

export function formatCoins(coins: number): string {
  return coins >= 100 ? coins.toFixed(1) : coins.toFixed(3);
}

/** Forecast = EMA ÷ price: above 1, the market expects a rise. */
export function formatForecast(forecast: number): string {
  return `×${forecast.toFixed(3)}`;
}

export function formatSigned(value: number, digits = 2): string {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}`;
}

/** h:mm:ss of game time. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/** Time left, counted down: `1:02:05`, `12:04`, `0:09` (whole seconds, rounded up: 0:00 only at the end). */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
