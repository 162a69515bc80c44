import { Controller, Get, Param, Redirect } from '@nestjs/common';
import { ApiFoundResponse, ApiTags } from '@nestjs/swagger';
import { API_PATHS } from '@banana-market/protocol';

/**
 * `/trader/{team}/{name}`, the address a bot prints: the page itself is one
 * static file (its scripts are found relative to /trader/), so the address
 * redirects to it with the trader in the query.
 */
@ApiTags('traders')
@Controller('trader')
export class TraderPageController {
  @Get(':team/:name')
  @Redirect(API_PATHS.traderPage, 302)
  @ApiFoundResponse({ description: 'Redirects to /trader/?team=…&name=…, the trader page' })
  page(@Param('team') team: string, @Param('name') name: string): { url: string } {
    return { url: `${API_PATHS.traderPage}?${new URLSearchParams({ team, name })}` };
  }
}
