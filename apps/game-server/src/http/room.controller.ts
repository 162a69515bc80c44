import { Controller, Get, Inject, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { API_PATHS, roomViewSchema, type RoomView } from '@banana-market/protocol';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { joinUrls } from '../room-urls.js';

interface LocalRequest {
  readonly socket: { readonly localPort?: number };
}

/** GET /api/room: the URLs the coach shows the room (the coach page's QR codes), on every LAN address of this server. */
@ApiTags('coach')
@Controller('api')
export class RoomController {
  constructor(@Inject(SERVER_CONFIG) private readonly config: ServerConfig) {}

  @Get('room')
  @ApiOkResponse({ description: 'Where the room joins this server (each LAN address), and its gibber page', standardSchema: roomViewSchema })
  room(@Req() request: LocalRequest): RoomView {
    // The port this request reached (PORT=0 picks one at start).
    const join = joinUrls(this.config.host, request.socket.localPort ?? this.config.port);
    return { join, gibber: `${join[0]}${API_PATHS.gibberPage}` };
  }
}
