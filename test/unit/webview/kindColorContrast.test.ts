import { strict as assert } from 'node:assert';
import { SPAN_KINDS } from '../../../src/model/traceTypes';
import { contrastRatio, over, parseColor, withContrast, type Rgba } from '../../../webview/theme/colorContrast';
import { kindColorsFor } from '../../../webview/theme/kindColorTheme';

const rgba = (text: string): Rgba => parseColor(text)!;

/**
 * The tokens the kind colours come from, as VS Code 1.10x defines them for its four default themes
 * (color registry defaults plus the Modern themes' own values); '' is a token the theme leaves unset.
 */
const THEMES: Record<string, { background: string; tokens: Record<string, string> }> = {
  'Light Modern': {
    background: '#ffffff',
    tokens: {
      '--vscode-charts-purple': '#652D90',
      '--vscode-charts-blue': '#0063d3',
      '--vscode-charts-orange': '#EA5C0055',
      '--vscode-charts-green': '#388A34',
      '--vscode-charts-yellow': '#BF8803',
      '--vscode-descriptionForeground': '#3B3B3B',
    },
  },
  'Dark Modern': {
    background: '#1F1F1F',
    tokens: {
      '--vscode-charts-purple': '#B180D7',
      '--vscode-charts-blue': '#59a4f9',
      '--vscode-charts-orange': '#EA5C0055',
      '--vscode-charts-green': '#89D185',
      '--vscode-charts-yellow': '#CCA700',
      '--vscode-descriptionForeground': '#9D9D9D',
    },
  },
  'High Contrast Dark': {
    background: '#000000',
    tokens: {
      '--vscode-charts-purple': '#B180D7',
      '--vscode-charts-blue': '#59a4f9',
      '--vscode-charts-orange': '',
      '--vscode-charts-green': '#89D185',
      '--vscode-charts-yellow': '#FFD370',
      '--vscode-descriptionForeground': '#ffffffb3',
    },
  },
  'High Contrast Light': {
    background: '#ffffff',
    tokens: {
      '--vscode-charts-purple': '#652D90',
      '--vscode-charts-blue': '#0063d3',
      '--vscode-charts-orange': '',
      '--vscode-charts-green': '#374e06',
      '--vscode-charts-yellow': '#895503',
      '--vscode-descriptionForeground': '#292929b3',
    },
  },
};

describe('kind colour contrast', () => {
  it('computes WCAG contrast ratios', () => {
    assert.equal(contrastRatio(rgba('#000'), rgba('#fff')), 21);
    assert.equal(contrastRatio(rgba('#fff'), rgba('#fff')), 1);
    assert.ok(Math.abs(contrastRatio(rgba('#767676'), rgba('#ffffff')) - 4.54) < 0.01);
    assert.ok(Math.abs(contrastRatio(rgba('#777777'), rgba('#ffffff')) - 4.48) < 0.01);
  });

  it('reads the colour forms themes and browsers write', () => {
    assert.deepEqual(parseColor('#EA5C0055'), { r: 234, g: 92, b: 0, a: 0x55 / 255 });
    assert.deepEqual(parseColor('#abc'), { r: 0xaa, g: 0xbb, b: 0xcc, a: 1 });
    assert.deepEqual(parseColor('rgba(204, 204, 204, 0.5)'), { r: 204, g: 204, b: 204, a: 0.5 });
    assert.deepEqual(parseColor('rgb(1 2 3 / 50%)'), { r: 1, g: 2, b: 3, a: 0.5 });
    assert.equal(parseColor(''), undefined);
    assert.equal(parseColor('var(--x)'), undefined);
  });

  it('shows why the raw Tool token failed: translucent orange over the editor is pale', () => {
    const light = over(rgba('#EA5C0055'), rgba('#ffffff'));
    assert.ok(contrastRatio(light, rgba('#ffffff')) < 2);
    const dark = over(rgba('#EA5C0055'), rgba('#1F1F1F'));
    assert.ok(contrastRatio(dark, rgba('#1F1F1F')) < 3);
  });

  for (const [theme, { background, tokens }] of Object.entries(THEMES)) {
    it(`gives every kind at least 4.5:1 against the editor in ${theme}`, () => {
      const colors = kindColorsFor((name) => tokens[name] ?? '', rgba(background));
      for (const kind of SPAN_KINDS) {
        const ratio = contrastRatio(rgba(colors[kind]), rgba(background));
        assert.ok(ratio >= 4.5, `${kind} ${colors[kind]} on ${background}: ${ratio.toFixed(2)}:1`);
      }
      // Tool stays a vivid orange: red well above green, green above blue.
      const tool = rgba(colors.tool);
      assert.ok(tool.r > tool.g * 1.4 && tool.g > tool.b, `tool is ${colors.tool}`);
    });
  }

  it('leaves a colour that already contrasts enough as it is', () => {
    assert.deepEqual(withContrast(rgba('#652D90'), rgba('#ffffff')), rgba('#652D90'));
  });
});
