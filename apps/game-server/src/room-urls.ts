/**
 * Where the room joins the game: the server's URL on each of the machine's
 * LAN addresses (a laptop on the venue's Wi-Fi has one; `localhost` means
 * nothing to the participants' laptops), the first one as a QR code for the
 * console.
 */
import { networkInterfaces } from 'node:os';
import QRCode from 'qrcode';

/** The URLs the room can reach the server at: HOST itself when it names one address, else every external IPv4 address (localhost last). */
export function joinUrls(host: string, port: number): string[] {
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  const addresses = wildcard
    ? Object.values(networkInterfaces())
        .flat()
        .filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal)
        .flatMap((a) => (a === undefined ? [] : [a.address]))
    : [host];
  return [...addresses.map((address) => `http://${address}:${port}`), ...(wildcard ? [`http://localhost:${port}`] : [])];
}

/** The URL as a QR code drawn with block characters, for a terminal. */
export function terminalQrCode(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'terminal', small: true });
}
