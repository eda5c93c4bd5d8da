// UI strings in zh-CN (default) and English, t() lookup, and data-i18n attribute binding.
//
// Format rule (web-viewer's Go test parses this file): each dictionary opens with a line
// `  'LANG': {` and closes with a line `  },`; every entry is one line `    'key': 'text',`.
// Both dictionaries must have exactly the same keys. Values may use {n} placeholders.

/** The dictionaries, keyed by language tag. */
export const dictionaries = {
  'zh-CN': {
    'app.title': '锐眼 Sharp Eyes',
    'nav.map': '地图',
    'nav.wall': '视频墙',
    'nav.health': '设备状态',
    'lang.switch': 'English',
    'lang.switchAria': '切换到英文界面',
    'conn.online': '● 服务在线',
    'conn.offline': '● 服务离线',
    'banner.offline': '无法连接服务器，正在重试…',
    'tour.start': '轮巡',
    'tour.stop': '停止轮巡',
    'tour.running': '轮巡进行中',
    'tour.dwell': '间隔(秒)',
    'tour.needGrid': '请先选择一个有摄像头的网格',
    'tree.title': '网格',
    'tree.filter': '搜索网格名称或编码',
    'tree.industry': '专属网格',
    'tree.empty': '暂无网格数据',
    'tree.noMatch': '没有匹配的网格',
    'tree.noPolygon': '无边界数据，仅在列表中显示',
    'tree.expand': '展开',
    'tree.collapse': '收起',
    'tree.camerasShort': '路',
    'level.district': '区县',
    'level.street': '街道',
    'level.community': '社区',
    'level.grid': '网格',
    'level.school': '学校',
    'level.hospital': '医院',
    'level.scenic': '景区',
    'level.industry': '企业',
    'map.aria': '网格地图',
    'map.zoomIn': '放大',
    'map.zoomOut': '缩小',
    'map.fit': '全部显示',
    'map.empty': '没有带边界的网格',
    'map.alerts1h': '近1小时告警',
    'map.legendAlerts': '近1小时告警',
    'map.alertsNone': '无',
    'map.alertsFew': '1–4 条',
    'map.alertsMany': '5 条及以上',
    'map.legendCameras': '摄像头',
    'wall.none': '未选择网格',
    'wall.pick': '在地图或列表中点击网格查看实时视频',
    'wall.noCameras': '该网格没有摄像头',
    'wall.cameras': '{n} 路摄像头',
    'wall.close': '关闭视频墙，返回地图',
    'wall.prevPage': '上一页',
    'wall.nextPage': '下一页',
    'tile.connecting': '连接中',
    'tile.live': '实时',
    'tile.retrying': '重连中',
    'tile.failed': '无法播放',
    'focus.back': '返回视频墙',
    'focus.prev': '上一个摄像头',
    'focus.next': '下一个摄像头',
    'focus.recent': '最近告警',
    'focus.noAlerts': '暂无告警',
    'focus.id': '编号',
    'focus.location': '位置',
    'state.online': '在线',
    'state.offline': '离线',
    'state.connecting': '连接中',
    'state.idle': '待机',
    'state.disabled': '已停用',
    'state.unknown': '未知',
    'health.title': '摄像头状态',
    'health.total': '共',
    'health.camera': '摄像头',
    'health.grid': '网格',
    'health.state': '状态',
    'health.fps': '分析帧率',
    'health.viewers': '观看',
    'health.reconnects': '重连次数',
    'health.since': '状态起始',
    'health.lastError': '最近错误',
    'alerts.title': '实时告警',
    'alerts.filterGrid': '网格',
    'alerts.filterType': '类型',
    'alerts.allGrids': '全部网格',
    'alerts.snapshot': '抓拍图',
    'alerts.duration': '持续',
    'alerts.count': '{n}人',
    'alerts.peak': '峰值{n}人',
    'alerts.dropped': '因处理过慢丢失 {n} 条',
    'alerts.status.connecting': '正在连接告警流…',
    'alerts.status.live': '告警流已连接',
    'alerts.status.reconnecting': '告警流断开，正在重连…',
    'alerts.status.offline': '告警流不可用，稍后重试',
    'alerts.status.filtered': '未选择任何告警类型',
    'type.tripwire': '越线/绊线',
    'type.intrusion': '区域入侵',
    'type.loitering': '徘徊逗留',
    'type.crowd_dwell': '人员聚集',
    'type.plate': '车牌识别',
    'action.start': '开始',
    'action.end': '结束',
    'action.pulse': '触发',
    'action.update': '更新',
    'direction.a_to_b': 'A→B',
    'direction.b_to_a': 'B→A',
    'class.person': '行人',
    'class.car': '汽车',
    'class.bicycle': '自行车',
    'class.motorcycle': '摩托车',
    'class.bus': '公交车',
    'class.truck': '货车',
    'class.object': '运动目标',
  },
  'en': {
    'app.title': 'Sharp Eyes',
    'nav.map': 'Map',
    'nav.wall': 'Video wall',
    'nav.health': 'Cameras',
    'lang.switch': '中文',
    'lang.switchAria': 'Switch to Chinese',
    'conn.online': '● Server online',
    'conn.offline': '● Server offline',
    'banner.offline': 'Cannot reach the server, retrying…',
    'tour.start': 'Tour',
    'tour.stop': 'Stop tour',
    'tour.running': 'Tour running',
    'tour.dwell': 'Dwell (s)',
    'tour.needGrid': 'Select a grid with cameras first',
    'tree.title': 'Grids',
    'tree.filter': 'Search grid name or code',
    'tree.industry': 'Special grids',
    'tree.empty': 'No grid data',
    'tree.noMatch': 'No matching grid',
    'tree.noPolygon': 'No boundary: shown in this list only',
    'tree.expand': 'Expand',
    'tree.collapse': 'Collapse',
    'tree.camerasShort': ' cam',
    'level.district': 'District',
    'level.street': 'Street',
    'level.community': 'Community',
    'level.grid': 'Grid',
    'level.school': 'School',
    'level.hospital': 'Hospital',
    'level.scenic': 'Scenic area',
    'level.industry': 'Enterprise',
    'map.aria': 'Grid map',
    'map.zoomIn': 'Zoom in',
    'map.zoomOut': 'Zoom out',
    'map.fit': 'Fit all',
    'map.empty': 'No grid has a boundary',
    'map.alerts1h': 'Alerts, last hour',
    'map.legendAlerts': 'Alerts, last hour',
    'map.alertsNone': 'none',
    'map.alertsFew': '1–4',
    'map.alertsMany': '5 or more',
    'map.legendCameras': 'Cameras',
    'wall.none': 'No grid selected',
    'wall.pick': 'Click a grid on the map or in the list to watch it live',
    'wall.noCameras': 'This grid has no cameras',
    'wall.cameras': '{n} cameras',
    'wall.close': 'Close the wall and return to the map',
    'wall.prevPage': 'Previous page',
    'wall.nextPage': 'Next page',
    'tile.connecting': 'Connecting',
    'tile.live': 'Live',
    'tile.retrying': 'Reconnecting',
    'tile.failed': 'Cannot play',
    'focus.back': 'Back to the wall',
    'focus.prev': 'Previous camera',
    'focus.next': 'Next camera',
    'focus.recent': 'Recent alerts',
    'focus.noAlerts': 'No alerts',
    'focus.id': 'ID',
    'focus.location': 'Location',
    'state.online': 'Online',
    'state.offline': 'Offline',
    'state.connecting': 'Connecting',
    'state.idle': 'Idle',
    'state.disabled': 'Disabled',
    'state.unknown': 'Unknown',
    'health.title': 'Camera health',
    'health.total': 'Total',
    'health.camera': 'Camera',
    'health.grid': 'Grid',
    'health.state': 'State',
    'health.fps': 'Analysis fps',
    'health.viewers': 'Viewers',
    'health.reconnects': 'Reconnects',
    'health.since': 'Since',
    'health.lastError': 'Last error',
    'alerts.title': 'Live alerts',
    'alerts.filterGrid': 'Grid',
    'alerts.filterType': 'Type',
    'alerts.allGrids': 'All grids',
    'alerts.snapshot': 'Snapshot',
    'alerts.duration': 'for',
    'alerts.count': '{n} people',
    'alerts.peak': 'peak {n}',
    'alerts.dropped': '{n} dropped (client too slow)',
    'alerts.status.connecting': 'Connecting to the alert stream…',
    'alerts.status.live': 'Alert stream connected',
    'alerts.status.reconnecting': 'Alert stream lost, reconnecting…',
    'alerts.status.offline': 'Alert stream unavailable, retrying later',
    'alerts.status.filtered': 'No alert type selected',
    'type.tripwire': 'Tripwire',
    'type.intrusion': 'Intrusion',
    'type.loitering': 'Loitering',
    'type.crowd_dwell': 'Crowd dwell',
    'type.plate': 'Licence plate',
    'action.start': 'start',
    'action.end': 'end',
    'action.pulse': 'triggered',
    'action.update': 'update',
    'direction.a_to_b': 'A→B',
    'direction.b_to_a': 'B→A',
    'class.person': 'person',
    'class.car': 'car',
    'class.bicycle': 'bicycle',
    'class.motorcycle': 'motorcycle',
    'class.bus': 'bus',
    'class.truck': 'truck',
    'class.object': 'moving object',
  },
};

/** Supported language tags. */
export const LANGS = Object.keys(dictionaries);
const STORAGE_KEY = 'sharpeyes.lang';
let lang = 'zh-CN';
const listeners = [];

/** Translates key in the current language; falls back to zh-CN, then fallback, then key. */
export function t(key, fallback) {
  const v = dictionaries[lang][key] ?? dictionaries['zh-CN'][key];
  return v ?? fallback ?? key;
}

/** The current language tag. */
export function getLang() { return lang; }

function storage() {
  try { return typeof localStorage === 'undefined' ? null : localStorage; } catch { return null; }
}

/**
 * Picks the language: the operator's saved choice, else preferred (from /api/v1/ui), else
 * zh-CN. Returns true when the language changed.
 */
export function initLang(preferred) {
  const saved = storage() && storage().getItem(STORAGE_KEY);
  const next = [saved, preferred, 'zh-CN'].find((l) => l && dictionaries[l]);
  const changed = next !== lang;
  lang = next;
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  return changed;
}

/** Switches language, saves the choice and notifies the 'lang' subscribers. */
export function setLang(next) {
  if (!dictionaries[next] || next === lang) return;
  lang = next;
  const s = storage();
  if (s) s.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
  for (const fn of listeners) fn(lang);
}

/** Calls fn(lang) after each language switch. */
export function onLangChange(fn) { listeners.push(fn); }

/**
 * Fills elements under root: data-i18n → text, data-i18n-aria → aria-label,
 * data-i18n-placeholder → placeholder, data-i18n-title → title.
 */
export function applyI18n(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.setAttribute('placeholder', t(el.dataset.i18nPlaceholder));
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.setAttribute('title', t(el.dataset.i18nTitle));
}
