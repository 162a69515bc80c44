import { Body, ConflictException, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { priceAlertsSwitchSchema, type PriceAlertsSwitch } from '@banana-market/protocol';
import { AdminTokenGuard } from '../http/auth.guards.js';
import { PriceAlertsService } from './price-alerts.service.js';

/** What switching on answers without Kafka: participants' --live runs write to the game's broker, which the embedded bus is not. */
export const NO_KAFKA_CONFLICT =
  "the price alerts come from participants running npm run exercises -- --live 5 on the game's Kafka broker: start the server with KAFKA_BROKERS";

/**
 * The coach's switch for the room's chapter-05 price alerts on the
 * scoreboard's ticker: POST /api/coach/price-alerts `{"on":true}` shows
 * them, `{"on":false}` stops; GET says which. Off at every start.
 */
@ApiTags('coach')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No admin token, or a wrong one' })
@UseGuards(AdminTokenGuard)
@Controller('api/coach/price-alerts')
export class PriceAlertsController {
  constructor(private readonly alerts: PriceAlertsService) {}

  @Get()
  @ApiOkResponse({ description: "Whether the ticker shows the room's --live price alerts", standardSchema: priceAlertsSwitchSchema })
  state(): PriceAlertsSwitch {
    return { on: this.alerts.on };
  }

  @Post()
  @HttpCode(200)
  @ApiOkResponse({
    description: 'On: the server follows every live-NAME-kata-05-price-alerts topic (new ones too) and shows each alert on the ticker; off: no more',
    standardSchema: priceAlertsSwitchSchema,
  })
  @ApiBadRequestResponse({ description: 'A body other than {"on":true} or {"on":false}' })
  @ApiConflictResponse({ description: 'The server runs without Kafka (no KAFKA_BROKERS)' })
  async switch(@Body({ schema: priceAlertsSwitchSchema }) body: PriceAlertsSwitch): Promise<PriceAlertsSwitch> {
    if ((await this.alerts.switchTo(body.on)) === 'no-kafka') throw new ConflictException(NO_KAFKA_CONFLICT);
    return { on: this.alerts.on };
  }
}
