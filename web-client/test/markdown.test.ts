// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { extractMentions, mentionSyntax, plainText, renderMarkdown } from '../src/markdown';

/** No script-capable element, no event handler attribute, no dangerous URL. */
function expectInert(root: HTMLElement): void {
  expect(root.querySelector('script, iframe, object, embed, style, svg, math, form, base, meta, link')).toBeNull();
  for (const el of root.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) {
      expect(attr.toLowerCase().startsWith('on')).toBe(false);
      if (['href', 'src', 'action', 'xlink:href', 'formaction'].includes(attr)) {
        expect(el.getAttribute(attr) ?? '').not.toMatch(/^\s*(javascript|data|vbscript):/i);
      }
    }
  }
}

function dom(html: string): HTMLElement {
  const div = document.createElement('div');
  div.innerHTML = html;
  return div;
}

describe('mentions', () => {
  it('renders person and organisation mentions as highlighted chips', () => {
    const html = renderMarkdown('Bonjour @[Agnès Daffos](person:3) et @[CAF](org:2) !');
    const root = dom(html);
    const person = root.querySelector('span.mention.mention-person')!;
    const org = root.querySelector('span.mention.mention-org')!;
    expect(person.textContent).toBe('@Agnès Daffos');
    expect(person.getAttribute('data-person')).toBe('3');
    expect(org.textContent).toBe('@CAF');
    expect(org.getAttribute('data-org')).toBe('2');
    // Not turned into links.
    expect(root.querySelector('a')).toBeNull();
  });

  it('marks the mentions of the reader and of their organisations', () => {
    const html = renderMarkdown('@[Moi](person:7) @[Autre](person:8) @[Ville](org:1)', { me: 7, myOrganisations: [1] });
    const root = dom(html);
    const mine = [...root.querySelectorAll('.mention-me')].map((e) => e.textContent);
    expect(mine).toEqual(['@Moi', '@Ville']);
  });

  it('escapes the label of a mention', () => {
    const html = renderMarkdown('@[<img src=x onerror=alert(1)>](person:3)');
    const root = dom(html);
    expect(root.querySelector('img')).toBeNull();
    expect(root.querySelector('.mention')!.textContent).toBe('@<img src=x onerror=alert(1)>');
  });

  it('leaves mentions inside code alone', () => {
    const root = dom(renderMarkdown('`@[Agnès](person:3)`'));
    expect(root.querySelector('.mention')).toBeNull();
    expect(root.querySelector('code')!.textContent).toBe('@[Agnès](person:3)');
  });

  it('extracts mentions and writes their syntax', () => {
    expect(extractMentions('a @[A B](person:1) b @[CAF](org:22)')).toEqual([
      { target: 'person', id: 1, label: 'A B' },
      { target: 'org', id: 22, label: 'CAF' },
    ]);
    expect(mentionSyntax('person', 4, 'Nom [bizarre]')).toBe('@[Nom  bizarre](person:4)');
    expect(plainText('**Bonjour** @[Agnès](person:3)')).toBe('Bonjour @Agnès');
  });
});

describe('sanitising', () => {
  it('renders Markdown', () => {
    const root = dom(renderMarkdown('**gras** _it_\n\n- un\n- deux\n\n[lien](https://example.org)'));
    expect(root.querySelector('strong')!.textContent).toBe('gras');
    expect(root.querySelectorAll('li')).toHaveLength(2);
    const a = root.querySelector('a')!;
    expect(a.getAttribute('href')).toBe('https://example.org');
    expect(a.getAttribute('rel')).toContain('noopener');
    expect(a.getAttribute('target')).toBe('_blank');
  });

  it('makes a <script> inert', () => {
    const html = renderMarkdown('avant <script>window.pwned = 1</script> après');
    expect(html).not.toMatch(/<script/i);
    const root = dom(html);
    expect(root.querySelector('script')).toBeNull();
  });

  it('removes event handlers such as onerror=', () => {
    const root = dom(
      renderMarkdown('<img src="x" onerror="alert(1)"> <a href="#" onclick="alert(2)">x</a> <b onmouseover=alert(3)>b</b>'),
    );
    expect(root.querySelector('img, b')).toBeNull();
    expectInert(root);
  });

  it('drops javascript: and data: links, iframes and styles', () => {
    const root = dom(
      renderMarkdown(
        '[x](javascript:alert(1)) [y](data:text/html,<script>alert(1)</script>) <iframe src="https://evil"></iframe> <style>body{}</style> <a href="JaVaScRiPt:alert(1)">z</a> [w](  javascript:alert(1))',
      ),
    );
    for (const a of root.querySelectorAll('a')) {
      expect(a.getAttribute('href') ?? '').not.toMatch(/^\s*(javascript|data|vbscript):/i);
    }
    expect(root.querySelector('iframe, style')).toBeNull();
    expectInert(root);
  });

  it('renders raw SVG and images as nothing active', () => {
    const root = dom(renderMarkdown('![alt](https://example.org/i.png "t") <svg onload=alert(1)><circle/></svg>'));
    expect(root.querySelector('svg')).toBeNull();
    expectInert(root);
  });

  it('sanitises even HTML that the Markdown parser lets through (mention labels, link titles)', () => {
    const root = dom(renderMarkdown('[t](https://example.org "x\" onmouseover=\"alert(1)") @[a" onclick="x](person:1)'));
    expectInert(root);
  });
});

describe('raw HTML', () => {
  it('is shown as text, not interpreted', () => {
    const root = dom(renderMarkdown('a <b class="mention">faux</b> <img src=x onerror=alert(1)>'));
    expect(root.querySelector('b')).toBeNull();
    expect(root.querySelector('img')).toBeNull();
    expect(root.textContent).toContain('<img src=x onerror=alert(1)>');
  });
});
