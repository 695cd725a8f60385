module.exports = (config, { isProd, isDev, isTest }) => {
  /**
   * Customize the webpack dev-server by modifying the config object.
   * Consult https://webpack.js.org/configuration for more information
   */

  return config;
};
