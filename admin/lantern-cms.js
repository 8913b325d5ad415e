/* The Lantern Gazette's extension of Decap CMS, served at /admin/lantern-cms.js
 * (copied there by plugins/admin_cms.py, loaded before decap-cms.js).
 *
 * - The "pelican" format: our story files are Pelican Markdown metadata
 *   ("Key: value" lines, a blank line, the Markdown body), not YAML front
 *   matter.  Keys are read case-insensitively and written in one order with
 *   their usual spelling (Title, Translated_From, Image_Alt...).  Defaults are
 *   not written: no "Lang: en" in a story of the main language, no
 *   "Status: published".  Dates are written in the paper's time zone as
 *   "YYYY-MM-DD HH:MM" ("YYYY-MM-DD" at midnight).
 * - Widgets typed right to left (<name>_rtl) for editions written right to left.
 * - The preview: the site's own stylesheet (the fingerprinted name of a publish
 *   build, from index.html's <template>), the story's markup, Nastaliq for Urdu.
 * - Checks before every save that a field pattern cannot express (what
 *   plugins/validation.py would refuse): a photo needs its description, a
 *   correction its date, not before the story's.
 * - Then CMS.init with config.json (generated from the settings), pointing the
 *   local backend at this host's /admin/api/v1 (tools/serve.py).
 *
 * Inside the CMS a date is the paper's wall-clock time marked "Z"
 * ("2024-03-02T14:00Z" is 14:00 in Karachi): Decap takes {{year}} of the file
 * path from the UTC reading of the date, which then is the paper's year.
 */
(function () {
  'use strict';

  var settings = { timeZone: 'UTC', defaultLang: 'en' };

  // Keys in the order a story file lists them; others follow, sorted.
  var KEY_ORDER = ['title', 'date', 'modified', 'category', 'tags', 'slug', 'lang', 'translated_from',
    'authors', 'summary', 'image', 'image_alt', 'image_caption', 'image_credit', 'status',
    'correction', 'correction_date', 'template'];
  var DATE_KEYS = ['date', 'modified', 'correction_date'];
  var LIST_KEYS = ['tags', 'authors'];
  var DEFAULTS = { status: 'published' };

  var META_LINE = /^ {0,3}([A-Za-z0-9_-]+):\s*(.*)$/;
  var META_CONTINUATION = /^ {4,}(.*)$/;
  var META_FENCE = /^-{3}(\s.*)?$/;
  var META_END = /^(-{3}|\.{3})(\s.*)?$/;
  var WALL_CLOCK = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?$/;
  var WITH_OFFSET = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})$/i;
  var MODEL_DATE = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})Z$/;

  function keySpelling(key) {
    return key.split('_').map(function (part) { return part.charAt(0).toUpperCase() + part.slice(1); }).join('_');
  }

  // The paper's wall-clock time of an instant, as "YYYY-MM-DDTHH:mmZ".
  function wallClock(instant) {
    var parts = {};
    new Intl.DateTimeFormat('en-GB', {
      timeZone: settings.timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit',
    }).formatToParts(instant).forEach(function (part) { parts[part.type] = part.value; });
    return parts.year + '-' + parts.month + '-' + parts.day + 'T' + parts.hour + ':' + parts.minute + 'Z';
  }

  function dateFromFile(value) {
    var match = WALL_CLOCK.exec(value);
    if (match) {
      return match[1] + 'T' + (match[2] || '00') + ':' + (match[3] || '00') + 'Z';
    }
    match = WITH_OFFSET.exec(value);
    if (match) {
      var offset = match[3].toUpperCase() === 'Z' ? 'Z' : match[3].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
      var instant = new Date(match[1] + 'T' + match[2] + offset);
      if (!isNaN(instant.getTime())) return wallClock(instant);
    }
    return value; // not a date: shown (and written back) as it is
  }

  function dateToFile(value) {
    var match = MODEL_DATE.exec(value);
    if (!match) return String(value);
    return match[2] === '00' && match[3] === '00' ? match[1] : match[1] + ' ' + match[2] + ':' + match[3];
  }

  function splitList(value) {
    return value.split(',').map(function (item) { return item.trim(); }).filter(Boolean);
  }

  function fromFile(text) {
    var lines = text.replace(/^\ufeff/, '').split(/\r?\n/);
    var data = {};
    var index = 0;
    var current = null;
    if (lines.length && META_FENCE.test(lines[0])) index = 1;
    while (index < lines.length) {
      var line = lines[index];
      index += 1;
      if (!line.trim() || META_END.test(line)) break;
      var match = META_LINE.exec(line);
      var continuation = META_CONTINUATION.exec(line);
      if (match) {
        current = match[1].toLowerCase();
        data[current] = match[2].trim();
      } else if (current !== null && continuation) {
        data[current] = (data[current] + ' ' + continuation[1].trim()).trim();
      } else {
        index -= 1; // the body starts without a blank line
        break;
      }
    }
    if ('author' in data && !('authors' in data)) data.authors = data.author;
    delete data.author;
    Object.keys(data).forEach(function (key) {
      if (DATE_KEYS.indexOf(key) >= 0) data[key] = dateFromFile(data[key]);
      if (LIST_KEYS.indexOf(key) >= 0) data[key] = splitList(data[key]);
    });
    if (!data.lang) data.lang = settings.defaultLang;
    if (!data.status) data.status = DEFAULTS.status;
    data.body = lines.slice(index).join('\n').replace(/\s+$/, '');
    return data;
  }

  function isEmpty(value) {
    return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
  }

  function oneLine(value) {
    return String(value).replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' ').trim();
  }

  function toFile(data) {
    var keys = Object.keys(data).filter(function (key) { return key !== 'body'; });
    keys.sort(function (a, b) {
      var first = KEY_ORDER.indexOf(a);
      var second = KEY_ORDER.indexOf(b);
      if (first < 0 && second < 0) return a < b ? -1 : a > b ? 1 : 0;
      if (first < 0) return 1;
      if (second < 0) return -1;
      return first - second;
    });
    var lines = [];
    keys.forEach(function (key) {
      var value = data[key];
      if (isEmpty(value)) return;
      if (key === 'lang' && value === settings.defaultLang) return;
      if (DEFAULTS[key] === value) return;
      if (Array.isArray(value)) value = value.map(oneLine).filter(Boolean).join(', ');
      else if (DATE_KEYS.indexOf(key) >= 0) value = dateToFile(value);
      value = oneLine(value);
      if (value) lines.push(keySpelling(key) + ': ' + value);
    });
    var body = (data.body || '').replace(/\r\n/g, '\n').replace(/\s+$/, '');
    return lines.join('\n') + '\n\n' + body + '\n';
  }

  // What plugins/validation.py refuses and a field pattern cannot tell.
  function problemsOf(data) {
    var problems = [];
    if (!isEmpty(data.image) && isEmpty(data.image_alt)) {
      problems.push('Photo description: describe what the photo shows (required with a photo).');
    }
    if (!isEmpty(data.correction) && isEmpty(data.correction_date)) {
      problems.push('Correction date: required with a correction.');
    }
    if (!isEmpty(data.correction_date) && isEmpty(data.correction)) {
      problems.push('Correction: write the correction note, or clear its date.');
    }
    if (!isEmpty(data.correction_date) && !isEmpty(data.date) &&
        MODEL_DATE.test(data.correction_date) && MODEL_DATE.test(data.date) && data.correction_date < data.date) {
      problems.push('Correction date: not before the story\'s Date.');
    }
    return problems;
  }

  var format = { fromFile: fromFile, toFile: toFile };

  if (typeof module !== 'undefined' && module.exports) {
    // tests/test_cms_format.py runs the format under Node.
    module.exports = {
      format: format, problemsOf: problemsOf, wallClock: wallClock,
      configure: function (options) { Object.assign(settings, options); },
    };
  }
  if (typeof window === 'undefined') return;

  window.CMS_MANUAL_INIT = true;

  function rtlWidget(CMS, name) {
    var widget = CMS.getWidget(name);
    if (!widget) return;
    var Control = window.createClass({
      displayName: 'RightToLeft(' + name + ')',
      isValid: function () {
        var inner = this.inner;
        return inner && typeof inner.isValid === 'function' ? inner.isValid() : true;
      },
      keepInner: function (ref) {
        this.inner = ref && ref.getWrappedInstance ? ref.getWrappedInstance() : ref;
      },
      render: function () {
        var entry = this.props.entry;
        var lang = entry && entry.get ? entry.get('collection') : undefined;
        return window.h('div', { dir: 'rtl', lang: lang, className: 'lantern-rtl' },
          window.h(widget.control, Object.assign({}, this.props, { ref: this.keepInner })));
      },
    });
    var options = Object.assign({}, widget, { name: name + '_rtl', controlComponent: Control, previewComponent: widget.preview });
    delete options.control;
    delete options.preview;
    CMS.registerWidget(options);
  }

  function previewTemplate(lang, edition) {
    return window.createClass({
      displayName: 'StoryPreview(' + lang + ')',
      render: function () {
        var h = window.h;
        var entry = this.props.entry;
        var field = function (name) { return entry.getIn(['data', name]); };
        var list = function (name) {
          var value = field(name);
          return value && value.toJS ? value.toJS() : (value || []);
        };
        var image = field('image');
        var imageUrl = image ? String(this.props.getAsset(image)) : null;
        var date = field('date') ? dateToFile(field('date')) : '';
        var credit = field('image_credit');
        return h('div', { lang: lang, dir: edition.dir || 'ltr', className: 'cms-preview' },
          h('main', { id: 'main' },
            h('article', { className: 'story' },
              h('header', { className: 'story-header' },
                h('h1', { className: 'headline' }, field('title') || ''),
                h('p', { className: 'story-meta' },
                  h('span', { className: 'story-section' }, field('category') || ''), ' ',
                  h('time', { className: 'published' }, date)),
                list('authors').length ? h('p', { className: 'byline' }, list('authors').join(', ')) : null),
              imageUrl ? h('figure', { className: 'lead-photo' },
                h('img', { src: imageUrl, alt: field('image_alt') || '' }),
                (field('image_caption') || credit) ? h('figcaption', null, field('image_caption') || '',
                  credit ? h('span', { className: 'photo-credit' }, ' ' + credit) : null) : null) : null,
              h('div', { className: 'story-body' }, this.props.widgetFor('body')),
              field('correction') ? h('aside', { className: 'correction' }, field('correction')) : null,
              list('tags').length ? h('footer', { className: 'story-footer' },
                h('ul', { className: 'tag-list' }, list('tags').map(function (tag) {
                  return h('li', { key: tag }, tag);
                }))) : null)));
      },
    });
  }

  function karachiNow() { return wallClock(new Date()); }

  function prepare(config) {
    if (config.local_backend) {
      // tools/serve.py (make serve) proxies Decap's local backend here.
      config.local_backend = { url: window.location.origin + window.location.pathname.replace(/[^/]*$/, '') + 'api/v1' };
    }
    config.collections.forEach(function (collection) {
      collection.fields.forEach(function (field) {
        if (field.name === 'date') field.default = karachiNow();
      });
    });
    return config;
  }

  function showProblem(message) {
    var paragraph = document.createElement('p');
    paragraph.setAttribute('role', 'alert');
    paragraph.textContent = message;
    document.body.appendChild(paragraph);
  }

  document.addEventListener('DOMContentLoaded', function () {
    var CMS = window.CMS;
    var root = document.documentElement;
    settings.timeZone = root.dataset.timeZone || settings.timeZone;
    settings.defaultLang = root.dataset.defaultLang || settings.defaultLang;
    var editions = JSON.parse(root.dataset.editions || '{}');
    if (!CMS) {
      showProblem('The editor could not load (decap-cms.js is missing).');
      return;
    }
    CMS.registerCustomFormat('pelican', 'md', format);
    ['string', 'list', 'select', 'markdown'].forEach(function (name) { rtlWidget(CMS, name); });
    var stylesheet = document.getElementById('preview-stylesheet');
    var link = stylesheet && stylesheet.content.querySelector('link');
    if (link) CMS.registerPreviewStyle(new URL(link.getAttribute('href'), document.baseURI).href);
    // The preview shows the photo at the column's width, as the story page does.
    CMS.registerPreviewStyle('.cms-preview img { max-inline-size: 100%; block-size: auto; }', { raw: true });
    CMS.registerEventListener({
      name: 'preSave',
      handler: function (event) {
        var problems = problemsOf(event.entry.get('data').toJS());
        if (problems.length) throw new Error(problems.join(' '));
      },
    });
    fetch('config.json', { cache: 'no-cache' })
      .then(function (response) {
        if (!response.ok) throw new Error('config.json: HTTP ' + response.status);
        return response.json();
      })
      .then(function (config) {
        config.collections.forEach(function (collection) {
          CMS.registerPreviewTemplate(collection.name, previewTemplate(collection.name, editions[collection.name] || {}));
        });
        if (!config.local_backend && !config.backend.repo) {
          showProblem('This site\'s editor has no repository: build it with CMS_GITHUB_REPO=owner/name ' +
            '(README, "Editing in the browser").');
          return;
        }
        CMS.init({ config: prepare(config) });
      })
      .catch(function (error) { showProblem('The editor could not start: ' + error.message); });
  });
}());
