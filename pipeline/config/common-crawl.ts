// Where Common Crawl serves its files over HTTPS (its `s3://commoncrawl/` bucket is the other door). A module
// of its own, so `biglm prepare`'s help can name it without importing the storage clients.

export const COMMON_CRAWL_BASE = 'https://data.commoncrawl.org/';
