'use strict';
const got = require('got');

async function report(id) {
  console.log('reporting', id);
  return got.post(`${process.env.REPORT_URL}/reports/${id}`).json();
}

module.exports = { report };
