// The service's forms in a real browser (Debian's chromium, headless, driven by playwright-core):
// filled by clicking labels and by keyboard alone, scored, downloaded and rescored with the
// command, shown again with their problems, prefilled from a baseline, and checked with axe-core.
// Run by ./run, which starts the service and sets BASE_URL, CHROMIUM and EQUITY_ASSESS.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const BASE = process.env.BASE_URL;
const ROOT = process.env.REPO_ROOT;
const CLI = process.env.EQUITY_ASSESS;
const SHOTS = process.env.SCREENSHOTS;
const BASELINE_PATH = join(ROOT, 'examples', 'heoa-baseline.json');
const BASELINE = JSON.parse(readFileSync(BASELINE_PATH, 'utf8'));
const FORM = `${BASE}/forms/heoa/1.0.0`;

let browser;
let instrument;

before(async () => {
  assert.ok(BASE && CLI && ROOT, 'run through server/tests/browser/run');
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM, headless: true, args: ['--no-sandbox'] });
  instrument = await (await fetch(`${BASE}/v1/instruments/heoa/1.0.0`)).json();
});

after(async () => {
  await browser?.close();
});

/** A new page that fails the test on any console error or CSP violation. */
async function open(t, options = {}) {
  const context = await browser.newContext({ acceptDownloads: true, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (message) => {
    // A form shown again with its problems answers 422 on purpose; chromium logs every 4xx page.
    if (message.type() === 'error' && !/status of 422/.test(message.text())) errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  t.after(async () => {
    await context.close();
    assert.deepEqual(errors, [], 'no console errors or Content-Security-Policy violations');
  });
  return page;
}

/** axe-core in the page (evaluated, so the page's CSP stays as served): no serious or critical violation. */
async function accessible(page, what) {
  await page.evaluate(AXE);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(bad, [], `axe-core on the ${what}`);
}

async function screenshot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

function scale(item) {
  return instrument.scales.find((s) => s.id === item.scale);
}

function optionLabel(itemId, optionId) {
  for (const category of instrument.categories) {
    const item = category.items.find((i) => i.id === itemId);
    if (item) return scale(item).options.find((o) => o.id === optionId).label;
  }
  throw new Error(`no item ${itemId}`);
}

/** The element of an item (ids hold dots, so by attribute). */
function item(page, id) {
  return page.locator(`fieldset[id="item-${id}"]`);
}

/** Clicks the label of an option, as a person does. */
async function clickOption(page, itemId, optionId) {
  const label = optionLabel(itemId, optionId);
  await item(page, itemId)
    .locator('label')
    .filter({ hasText: new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) })
    .click();
}

async function checkedAnswers(page) {
  return page.evaluate(() => {
    const answers = {};
    for (const input of document.querySelectorAll('input[type=radio]:checked')) {
      answers[input.name.replace(/^answer:/, '')] = input.value;
    }
    return answers;
  });
}

/** The command's figures: `equity-assess score FILE` (its text table) with the JSON for titles. */
function commandFigures(path) {
  const report = JSON.parse(execFileSync(CLI, ['score', path, '--format', 'json'], { encoding: 'utf8' }));
  const text = execFileSync(CLI, ['score', path], { encoding: 'utf8' }).split('\n');
  const row = (title) => {
    const line = text.find((l) => l.startsWith(`${title} `));
    assert.ok(line, `a row for ${title} in the command's table`);
    const cells = line.slice(title.length).replace(/^ \*/, '').trim().split(/\s{2,}/);
    return cells;
  };
  const categories = report.categories.map((c) => {
    const [points, percent, level] = row(c.title);
    return { title: c.title, points, percent, level };
  });
  const [percent, level] = row('Overall');
  return { categories, overall: { percent, level } };
}

async function reportFigures(page) {
  const categories = await page.locator('tr.category').evaluateAll((rows) =>
    rows.map((row) => {
      const cells = [...row.cells];
      return {
        title: cells[0].childNodes[0].textContent.trim(),
        points: cells[1].textContent.trim(),
        percent: cells[2].textContent.trim(),
        level: cells[3].textContent.trim(),
      };
    }),
  );
  const overall = await page.locator('tr.overall').evaluate((row) => ({
    percent: row.cells[2].textContent.trim(),
    level: row.cells[3].textContent.trim(),
  }));
  return { categories, overall };
}

/** Submits the scoring form and waits for the page it answers with (the URL stays the same). */
async function submit(page, { expect }) {
  const answered = page.waitForResponse((r) => r.url() === FORM && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Score this assessment' }).click();
  const response = await answered;
  await page.locator(expect === 200 ? 'tr.overall' : '#problems').waitFor();
  assert.equal(response.status(), expect);
}

/** The form filled with the baseline's organization, date, answers, notes and focus categories. */
async function fillBaseline(page, { date = true } = {}) {
  await page.getByLabel('Organization id').fill(BASELINE.organization.id);
  await page.getByLabel('Organization name (optional)').fill(BASELINE.organization.name);
  if (date) await page.getByLabel('Assessment date').fill(BASELINE.assessed_on);
  for (const [itemId, optionId] of Object.entries(BASELINE.answers)) {
    await clickOption(page, itemId, optionId);
  }
  for (const [itemId, note] of Object.entries(BASELINE.notes ?? {})) {
    await item(page, itemId).locator('summary').click();
    await page.locator(`textarea[id="note-${itemId}"]`).fill(note);
  }
  for (const categoryId of BASELINE.focus_categories ?? []) {
    const title = instrument.categories.find((c) => c.id === categoryId).title;
    await page.locator('#focus').getByLabel(title, { exact: true }).check();
  }
}

describe('the forms in chromium', () => {
  test('axe-core finds what it should (the checks below are not vacuous)', async (t) => {
    const page = await open(t);
    await page.setContent('<!DOCTYPE html><html lang="en"><title>t</title><main><input type="radio" name="x"></main></html>');
    await assert.rejects(accessible(page, 'page with an unlabelled input'), /label/);
  });

  test('the list links every instrument and passes axe', async (t) => {
    const page = await open(t);
    const answer = await page.goto(`${BASE}/`);
    assert.equal(answer.status(), 200);
    const headers = answer.headers();
    assert.match(headers['content-security-policy'], /default-src 'none'/);
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.equal(headers['referrer-policy'], 'no-referrer');
    const listed = await (await fetch(`${BASE}/v1/instruments`)).json();
    const links = await page.locator('tbody a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.equal(links.length, listed.length);
    assert.ok(links.includes('/forms/heoa/1.0.0'));
    await accessible(page, 'list page');
    await screenshot(page, 'list-desktop');
  });

  test('filled by clicking labels, the form scores as the command does; the download rescores the same', async (t) => {
    const page = await open(t);
    await page.goto(FORM);
    await accessible(page, 'empty form');
    await fillBaseline(page);
    assert.deepEqual(await checkedAnswers(page), BASELINE.answers);

    // The live figures, where JavaScript runs, are the command's.
    const expected = commandFigures(BASELINE_PATH);
    for (const [index, category] of instrument.categories.entries()) {
      const figure = expected.categories[index];
      await page.waitForFunction(
        ([id, text]) => document.getElementById(`live-${id}`)?.textContent === text,
        [category.id, `Score so far: ${figure.percent}, ${figure.level}`],
      );
    }
    await page.waitForFunction(
      (text) => document.getElementById('live-overall')?.textContent === text,
      `Overall score so far: ${expected.overall.percent}, ${expected.overall.level}`,
    );
    await screenshot(page, 'form-filled-desktop');

    await submit(page, { expect: 200 });
    assert.match(await page.locator('h1').first().textContent(), new RegExp(BASELINE.organization.name));
    assert.deepEqual(await reportFigures(page), expected);
    await accessible(page, 'report page');
    await screenshot(page, 'report-desktop');

    // The downloaded response is the baseline's document, and scores the same with the command.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the response (JSON)' }).click(),
    ]);
    const saved = join(SHOTS, 'downloaded-response.json');
    await download.saveAs(saved);
    const rescored = execFileSync(CLI, ['score', saved, '--format', 'json'], { encoding: 'utf8' });
    assert.equal(rescored, execFileSync(CLI, ['score', BASELINE_PATH, '--format', 'json'], { encoding: 'utf8' }));
    assert.deepEqual(commandFigures(saved), expected);
  });

  test('a missing date shows the error next to the field, every answer kept', async (t) => {
    const page = await open(t);
    await page.goto(FORM);
    await fillBaseline(page, { date: false });
    // A note that starts with a line break, with markup, keeps both through the round trip.
    const tricky = '\nFirst line <b>not bold</b>\nSecond line';
    const trickyItem = instrument.categories.flatMap((c) => c.items).find((i) => !(i.id in (BASELINE.notes ?? {}))).id;
    await item(page, trickyItem).locator('summary').click();
    await page.locator(`textarea[id="note-${trickyItem}"]`).fill(tricky);
    await submit(page, { expect: 422 });
    assert.equal(await page.locator(`textarea[id="note-${trickyItem}"]`).inputValue(), tricky);
    await page.locator(`textarea[id="note-${trickyItem}"]`).fill('');

    const date = page.getByLabel('Assessment date');
    assert.equal(await date.getAttribute('aria-invalid'), 'true');
    assert.equal(await date.getAttribute('aria-describedby'), 'error-assessed_on');
    const error = page.locator('#error-assessed_on');
    assert.equal(await error.textContent(), 'the assessment date is required');
    // Next to the field: in the same field group, right after the input.
    assert.ok(await error.evaluate((e) => e.previousElementSibling.id === 'assessed_on' && e.parentElement.classList.contains('field')));
    // Summarized at the top, linked to the field.
    const summary = page.locator('#problems a');
    assert.equal(await summary.count(), 1);
    assert.equal(await summary.getAttribute('href'), '#assessed_on');
    await summary.click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'assessed_on');

    assert.deepEqual(await checkedAnswers(page), BASELINE.answers);
    assert.equal(await page.getByLabel('Organization id').inputValue(), BASELINE.organization.id);
    assert.equal(await page.getByLabel('Organization name (optional)').inputValue(), BASELINE.organization.name);
    for (const [itemId, note] of Object.entries(BASELINE.notes ?? {})) {
      assert.equal(await page.locator(`textarea[id="note-${itemId}"]`).inputValue(), note);
    }
    const focus = await page.locator('#focus input:checked').evaluateAll((inputs) => inputs.map((i) => i.value));
    assert.deepEqual(focus.sort(), [...BASELINE.focus_categories].sort());
    await accessible(page, 'form with an error');
    await screenshot(page, 'error-desktop');

    // Corrected, it scores.
    await date.fill(BASELINE.assessed_on);
    await submit(page, { expect: 200 });
    assert.deepEqual(await reportFigures(page), commandFigures(BASELINE_PATH));
  });

  test('a baseline upload prefills the follow-up', async (t) => {
    const page = await open(t);
    await page.goto(FORM);
    await page.getByLabel('Baseline response (JSON, as downloaded from the report)').setInputFiles(BASELINE_PATH);
    await page.getByRole('button', { name: 'Prefill the form' }).click();
    await page.waitForURL(`${FORM}/prefill`);
    assert.equal(await page.getByLabel('Organization id').inputValue(), BASELINE.organization.id);
    assert.equal(await page.getByLabel('Organization name (optional)').inputValue(), BASELINE.organization.name);
    assert.equal(await page.getByLabel('Assessment date').inputValue(), '', "the follow-up's date is the organization's to give");
    const focus = await page.locator('#focus input:checked').evaluateAll((inputs) => inputs.map((i) => i.value));
    assert.deepEqual(focus.sort(), [...BASELINE.focus_categories].sort());
    assert.deepEqual(await checkedAnswers(page), {}, 'answers blank by default');

    // With the box checked, the baseline's answers are carried for review.
    await page.goto(FORM);
    await page.getByLabel('Baseline response (JSON, as downloaded from the report)').setInputFiles(BASELINE_PATH);
    await page.getByLabel("Start from the baseline's answers (to review), instead of blank answers").check();
    await page.getByRole('button', { name: 'Prefill the form' }).click();
    await page.waitForURL(`${FORM}/prefill`);
    assert.deepEqual(await checkedAnswers(page), BASELINE.answers);

    // A file that is not a response: the problem next to the upload.
    await page.goto(FORM);
    await page.getByLabel('Baseline response (JSON, as downloaded from the report)').setInputFiles({
      name: 'not-a-response.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"hello": "<script>alert(1)</script>"}'),
    });
    await page.getByRole('button', { name: 'Prefill the form' }).click();
    await page.waitForURL(`${FORM}/prefill`);
    assert.match(await page.locator('#error-baseline').textContent(), /not a valid response document/);
    await accessible(page, 'upload error');
  });

  test('one category filled with the keyboard alone, focus always visible', async (t) => {
    const page = await open(t);
    await page.goto(FORM);
    const category = instrument.categories[1];
    const wanted = Object.fromEntries(category.items.map((i, n) => [i.id, scale(i).options[n % 4].id]));
    const first = `answer:${category.items[0].id}`;
    // Tab from the top of the page to the category's first question.
    let presses = 0;
    while ((await page.evaluate(() => document.activeElement?.name)) !== first) {
      await page.keyboard.press('Tab');
      presses += 1;
      assert.ok(presses < 200, 'the first question of the category is reachable with Tab');
    }
    for (const it of category.items) {
      const focused = await page.evaluate(() => {
        const e = document.activeElement;
        return { name: e.name, outline: getComputedStyle(e).outlineStyle, visible: e.matches(':focus-visible') };
      });
      assert.equal(focused.name, `answer:${it.id}`);
      assert.ok(focused.visible && focused.outline !== 'none', 'the focus is visible');
      // Space picks the first option; each arrow moves to, and picks, the next one.
      await page.keyboard.press('Space');
      const index = scale(it).options.findIndex((o) => o.id === wanted[it.id]);
      for (let k = 0; k < index; k += 1) await page.keyboard.press('ArrowRight');
      // On to the note's disclosure, then to the next question.
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.tagName), 'SUMMARY');
      await page.keyboard.press('Tab');
    }
    assert.deepEqual(await checkedAnswers(page), wanted);
    // The live figure follows, and is the command's figure for these answers (the page's
    // first figures, before any answer, read 0.00%: the figure shown must be a newer one).
    const path = join(SHOTS, 'keyboard-response.json');
    writeFileSync(
      path,
      JSON.stringify({ instrument: { id: 'heoa', version: '1.0.0' }, organization: { id: 'keyboard' }, assessed_on: '2026-12-02', answers: wanted }),
    );
    const figure = commandFigures(path).categories[1];
    assert.notEqual(figure.percent, '0.00%', 'the answers chosen score above zero');
    const expected = `Score so far: ${figure.percent}, ${figure.level}`;
    await page.waitForFunction(([id, text]) => document.getElementById(`live-${id}`)?.textContent === text, [category.id, expected]);
    // A screen reader hears the one category answered, not every figure.
    await page.waitForFunction(
      (text) => document.getElementById('live-announcer').textContent === text,
      `${category.title}: score so far ${figure.percent}, ${figure.level}`,
    );
    assert.equal(await page.locator('[role=status]').count(), 1);
  });

  test('with JavaScript off the form still scores (the live figures are an extra)', async (t) => {
    // With JavaScript on, the figures show as soon as the form loads (the positive control).
    const scripted = await open(t);
    await scripted.goto(FORM);
    await scripted.locator('#live-overall').waitFor({ state: 'visible' });
    const page = await open(t, { javaScriptEnabled: false });
    await page.goto(FORM);
    await fillBaseline(page);
    assert.equal(await page.locator('.live:not([hidden])').count(), 0);
    assert.equal(await page.locator('form[data-live-shown]').count(), 0);
    await submit(page, { expect: 200 });
    assert.deepEqual(await reportFigures(page), commandFigures(BASELINE_PATH));
  });

  test('printed, the form leaves out its buttons, the upload and the live figures', async (t) => {
    const page = await open(t);
    await page.goto(FORM);
    await page.locator('#live-overall').waitFor({ state: 'visible' });
    const noted = instrument.categories[0].items[0].id;
    await item(page, noted).locator('summary').click();
    await page.locator(`textarea[id="note-${noted}"]`).fill('A note to print');
    const shown = (selector) => page.locator(selector).first().evaluate((e) => getComputedStyle(e).display !== 'none');
    assert.ok(await shown('form.prefill'));
    assert.ok(await shown('.live'));
    await page.emulateMedia({ media: 'print' });
    for (const selector of ['form.prefill', 'button[type=submit]', 'footer', '.live', 'details:not([open])']) {
      assert.equal(await shown(selector), false, `${selector} is not printed`);
    }
    assert.ok(await shown('fieldset.category'));
    assert.ok(await shown(`[id="item-${noted}"] details[open]`), 'an open note is printed');
  });

  test('on a 390 px phone every page is one column without sideways scrolling', async (t) => {
    const page = await open(t, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    const noSideways = async (what) => {
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scroll <= 390, `${what}: the page is ${scroll} px wide on a 390 px screen`);
    };
    await page.goto(`${BASE}/`);
    await noSideways('list');
    await screenshot(page, 'list-phone');
    await page.goto(FORM);
    await noSideways('form');
    const direction = await item(page, instrument.categories[0].items[0].id)
      .locator('.options')
      .evaluate((e) => getComputedStyle(e).flexDirection);
    assert.equal(direction, 'column', 'options one under another');
    await fillBaseline(page, { date: false });
    await submit(page, { expect: 422 });
    await noSideways('form with an error');
    await screenshot(page, 'error-phone');
    await page.getByLabel('Assessment date').fill(BASELINE.assessed_on);
    await submit(page, { expect: 200 });
    await noSideways('report');
    await screenshot(page, 'report-phone');
  });
});
