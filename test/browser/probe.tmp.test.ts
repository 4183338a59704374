import { launchChromium } from './support/chromium';
import { startLoupeServe } from './support/loupeServe';
import { agentTracerProvider, sendAgentTrace } from './support/agentSpans';
it('probe', async () => {
  const serve = await startLoupeServe(); const browser = await launchChromium();
  const provider = agentTracerProvider(serve.baseUrl); const sent = await sendAgentTrace(provider);
  const page = await browser.context.newPage();
  page.on('console', (m) => console.log('console', m.type(), m.text()));
  page.on('pageerror', (e) => console.log('pageerror', e.message, e.stack));
  await page.goto(`${serve.baseUrl}/#/trace/${sent.traceId}`);
  await page.waitForTimeout(3000);
  console.log(await page.locator('.trace-page').getAttribute('data-state'));
  await provider.shutdown(); await browser.close(); await serve.stop();
});
